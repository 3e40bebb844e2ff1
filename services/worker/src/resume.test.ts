import { describe, expect, it } from 'vitest';
import { loadCheckpoint, modelFromJson, type Checkpoint } from '@trainyard/nn';
import type { JobEvent, JobSpec } from '@trainyard/contracts';
import { loadDataset } from './dataset.js';
import { restoreCheckpoint } from './resume.js';
import { train } from './train.js';

const spec = (callbacks: JobSpec['fit']['callbacks'] = []): JobSpec => ({
  model: {
    class_name: 'Sequential',
    config: {
      layers: [
        { class_name: 'Dense', config: { units: 16, activation: 'relu', batch_input_shape: [null, 2] } },
        { class_name: 'Dropout', config: { rate: 0.1 } },
        { class_name: 'Dense', config: { units: 2, activation: 'softmax' } },
      ],
    },
  },
  compile: {
    optimizer: { class_name: 'Adam', config: { learning_rate: 0.02 } },
    loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy'],
  },
  fit: { epochs: 6, batch_size: 16, validation_split: 0.2, callbacks },
  dataset: { builtin: 'spirals', options: { samples: 200 } },
  seed: 11,
});

async function run(s: JobSpec, resume?: Checkpoint, signal?: AbortSignal, onEvent?: (e: JobEvent) => void) {
  const data = await loadDataset(s.dataset, { fashionMnistDir: '/nonexistent' });
  const events: JobEvent[] = [];
  const checkpoints: Checkpoint[] = [];
  const stored = resume && { json: JSON.parse(JSON.stringify(resume.json)) as unknown, bin: Buffer.from(resume.bin) };
  const emit = async (e: JobEvent) => {
    events.push(e);
    onEvent?.(e);
  };
  const result = await train(s, data, emit, signal, {
    ...(stored && { resume: stored }),
    onCheckpoint: async (c) => void checkpoints.push(c),
  });
  return { result, events, checkpoints };
}

describe('train() with checkpoints', () => {
  it('checkpoints every epoch; resuming from epoch 3 ends exactly where the uninterrupted run ends', async () => {
    const full = await run(spec());
    expect(full.checkpoints.map((c) => c.json.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(full.checkpoints[2].json.history.epoch).toEqual([0, 1, 2]);

    const resumed = await run(spec(), full.checkpoints[2]);
    expect(resumed.events.find((e) => e.type === 'resumed')).toEqual({ type: 'resumed', from_epoch: 3 });
    expect(resumed.events.filter((e) => e.type === 'epoch').map((e) => (e as { epoch: number }).epoch)).toEqual([
      4, 5, 6,
    ]);
    expect(resumed.result.metrics).toEqual(full.result.metrics);
    expect(resumed.result.epoch).toBe(6);
    expect(resumed.checkpoints.at(-1)!.json.history).toEqual(full.checkpoints.at(-1)!.json.history);
    expect(resumed.checkpoints.at(-1)!.bin).toEqual(full.checkpoints.at(-1)!.bin);

    // Resumed from the last epoch's checkpoint (the worker died before `completed`): no epoch
    // runs, and the final metrics are the last epoch's.
    const atEnd = await run(spec(), full.checkpoints[5]);
    expect(atEnd.events.filter((e) => e.type === 'epoch')).toEqual([]);
    expect(atEnd.result.metrics).toEqual(full.result.metrics);
  });

  it('keeps a learning rate a callback lowered; starts over, with a warning, from a checkpoint that does not fit', async () => {
    const plateau = [
      { class_name: 'ReduceLROnPlateau', config: { monitor: 'loss', factor: 0.5, patience: 0, min_delta: 10 } },
    ];
    const full = await run(spec(plateau));
    const lrAt3 = full.checkpoints[2].json.optimizer!.config.learning_rate as number;
    expect(lrAt3).toBeLessThan(0.02);
    const resumed = await run(spec(plateau), full.checkpoints[2]);
    const lrOf = (events: JobEvent[], epoch: number) =>
      (events.find((e) => e.type === 'epoch' && e.epoch === epoch) as { logs: Record<string, number> }).logs
        .learning_rate;
    expect(lrOf(resumed.events, 4)).toBe(lrAt3);
    expect(lrOf(resumed.events, 4)).toBe(lrOf(full.events, 4));

    const other = spec();
    (other.model as any).config.layers[0].config.units = 8;
    const fresh = await run(other, full.checkpoints[2]);
    expect(fresh.events.find((e) => e.type === 'log' && e.level === 'warn')).toMatchObject({
      message: expect.stringMatching(/checkpoint not usable, training from the start/),
    });
    expect(fresh.events.some((e) => e.type === 'resumed')).toBe(false);
    expect(fresh.events.filter((e) => e.type === 'epoch')).toHaveLength(6);
  });
});

describe('train() with stateful callbacks', () => {
  // min_delta 10: only the first epoch ever improves, so both callbacks count every later epoch.
  // EarlyStopping (patience 3) stops after epoch 4 and puts epoch 1's weights back;
  // ReduceLROnPlateau (patience 1, cooldown 1) halves the rate after epochs 2 and 4.
  const stateful = () =>
    spec([
      {
        class_name: 'EarlyStopping',
        config: { monitor: 'val_loss', min_delta: 10, patience: 3, restore_best_weights: true },
      },
      {
        class_name: 'ReduceLROnPlateau',
        config: { monitor: 'loss', factor: 0.5, patience: 1, cooldown: 1, min_delta: 10 },
      },
    ]);
  const weightsOf = (r: { result: { model: { getWeights(): { data: ArrayLike<number> }[] } } }) =>
    r.result.model.getWeights().map((w) => Array.from(w.data));

  it('EarlyStopping and ReduceLROnPlateau resume from their checkpointed state: the same history, weights and stop', async () => {
    const full = await run(stateful());
    expect(full.result.epoch).toBe(4);
    expect(full.result.stoppedEarly).toEqual({ monitor: 'val_loss', best: expect.any(Number), best_epoch: 1 });
    const at2 = full.checkpoints[1];
    expect(at2.json.callbacks).toEqual([
      {
        index: 0,
        class_name: 'EarlyStopping',
        values: { wait: 1, best: expect.any(Number), best_epoch: 0, stopped_epoch: 0 },
        weights: 4,
      },
      {
        index: 1,
        class_name: 'ReduceLROnPlateau',
        values: { wait: 0, cooldown_counter: 1, best: expect.any(Number) },
        weights: 0,
      },
    ]);
    // The best weights travel in the bin, group "callbacks".
    expect(at2.json.weightsManifest[0].weights.filter((w) => w.group === 'callbacks').map((w) => w.name)).toEqual([
      'callbacks/0/0',
      'callbacks/0/1',
      'callbacks/0/2',
      'callbacks/0/3',
    ]);

    const resumed = await run(stateful(), at2);
    expect(resumed.events.filter((e) => e.type === 'epoch').map((e) => (e as { epoch: number }).epoch)).toEqual([3, 4]);
    expect(resumed.result.epoch).toBe(4);
    expect(resumed.result.stoppedEarly).toEqual(full.result.stoppedEarly);
    expect(resumed.result.metrics).toEqual(full.result.metrics);
    expect(resumed.checkpoints.at(-1)!.json.history).toEqual(full.checkpoints.at(-1)!.json.history);
    expect(resumed.checkpoints.at(-1)!.bin).toEqual(full.checkpoints.at(-1)!.bin);
    expect(weightsOf(resumed)).toEqual(weightsOf(full));

    // The same checkpoint without the callbacks' state resumes them fresh and ends elsewhere.
    const stripped = { ...at2, json: { ...at2.json, callbacks: undefined } };
    const fresh = await run(stateful(), stripped);
    expect(fresh.result.epoch).not.toBe(4);
    expect(fresh.events.find((e) => e.type === 'epoch' && e.epoch === 3)).not.toEqual(
      full.events.find((e) => e.type === 'epoch' && e.epoch === 3),
    );

    // Resumed from the checkpoint of the epoch EarlyStopping stopped at (the worker died before
    // `completed`): no epoch runs, and the best weights come back as they did.
    const atStop = await run(stateful(), full.checkpoints.at(-1));
    expect(atStop.events.filter((e) => e.type === 'epoch')).toEqual([]);
    expect(atStop.result).toMatchObject({
      epoch: 4,
      stoppedEarly: full.result.stoppedEarly,
      metrics: full.result.metrics,
    });
    expect(weightsOf(atStop)).toEqual(weightsOf(full));
  });

  it('an abort mid-epoch hands back the checkpoint of where it stopped: completed epochs plus batches, not the best weights', async () => {
    const at2 = (await run(stateful())).checkpoints[1];
    // Batch events are throttled; the first one (epoch 3, batch 1, of a run resumed after epoch 2) always goes out.
    const controller = new AbortController();
    const stopAt = (e: JobEvent) => void (e.type === 'batch' && controller.abort('cancelled'));
    const r = await run(stateful(), at2, controller.signal, stopAt);
    expect(r.result.aborted).toBe(true);
    expect(r.checkpoints).toEqual([]);
    expect(r.result.stopped).toMatchObject({ epoch: 2, batch: 1 });
    const { checkpoint } = r.result.stopped!;
    expect(checkpoint.json.epoch).toBe(2);
    expect(checkpoint.json.history).toEqual(at2.json.history);
    // One more batch trained than the epoch-2 checkpoint, and not EarlyStopping's best (epoch 1) weights.
    expect(checkpoint.bin).not.toEqual(at2.bin);
    expect(checkpoint.json.optimizer!.iterations).toBe(at2.json.optimizer!.iterations + 1);
    const model = modelFromJson(stateful().model, { seed: 1, inputShape: [2] });
    model.compile(stateful().compile);
    expect(loadCheckpoint(model, checkpoint).epoch).toBe(2);
    expect(model.getWeights().map((w) => Array.from(w.data))).not.toEqual(weightsOf(r));
    // Stored with its batch, it is kept for the user but never resumed from: an epoch cannot restart halfway.
    const stored = { json: { ...checkpoint.json, batch: 1 }, bin: checkpoint.bin };
    expect(restoreCheckpoint(model, stored)).toEqual({
      error: 'the checkpoint is from the middle of an epoch (batch 1)',
    });
  });
});
