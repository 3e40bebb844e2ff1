import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '@trainyard/nn';
import type { JobEvent, JobSpec } from '@trainyard/contracts';
import { loadDataset } from './dataset.js';
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
  compile: { optimizer: { class_name: 'Adam', config: { learning_rate: 0.02 } }, loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] },
  fit: { epochs: 6, batch_size: 16, validation_split: 0.2, callbacks },
  dataset: { builtin: 'spirals', options: { samples: 200 } },
  seed: 11,
});

async function run(s: JobSpec, resume?: Checkpoint) {
  const data = await loadDataset(s.dataset, { fashionMnistDir: '/nonexistent' });
  const events: JobEvent[] = [];
  const checkpoints: Checkpoint[] = [];
  const stored = resume && { json: JSON.parse(JSON.stringify(resume.json)) as unknown, bin: Buffer.from(resume.bin) };
  const result = await train(s, data, async (e) => void events.push(e), undefined, {
    ...(stored && { resume: stored }),
    onCheckpoint: async (c) => void checkpoints.push(c),
  });
  return { result, events, checkpoints };
}

describe('train() with checkpoints', () => {
  it('checkpoints every epoch; resuming from epoch 3 ends exactly where the uninterrupted run ends', async () => {
    const full = await run(spec());
    expect(full.checkpoints.map((c) => c.json.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(full.checkpoints[2]!.json.history.epoch).toEqual([0, 1, 2]);

    const resumed = await run(spec(), full.checkpoints[2]);
    expect(resumed.events.find((e) => e.type === 'resumed')).toEqual({ type: 'resumed', from_epoch: 3 });
    expect(resumed.events.filter((e) => e.type === 'epoch').map((e) => (e as { epoch: number }).epoch)).toEqual([4, 5, 6]);
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
    const plateau = [{ class_name: 'ReduceLROnPlateau', config: { monitor: 'loss', factor: 0.5, patience: 0, min_delta: 10 } }];
    const full = await run(spec(plateau));
    const lrAt3 = full.checkpoints[2]!.json.optimizer!.config.learning_rate as number;
    expect(lrAt3).toBeLessThan(0.02);
    const resumed = await run(spec(plateau), full.checkpoints[2]);
    const lrOf = (events: JobEvent[], epoch: number) => (events.find((e) => e.type === 'epoch' && e.epoch === epoch) as { logs: Record<string, number> }).logs.learning_rate;
    expect(lrOf(resumed.events, 4)).toBe(lrAt3);
    expect(lrOf(resumed.events, 4)).toBe(lrOf(full.events, 4));

    const other = spec();
    (other.model as any).config.layers[0].config.units = 8;
    const fresh = await run(other, full.checkpoints[2]);
    expect(fresh.events.find((e) => e.type === 'log' && e.level === 'warn')).toMatchObject({ message: expect.stringMatching(/checkpoint not usable, training from the start/) });
    expect(fresh.events.some((e) => e.type === 'resumed')).toBe(false);
    expect(fresh.events.filter((e) => e.type === 'epoch')).toHaveLength(6);
  });
});
