import { describe, expect, it } from 'vitest';
import type { JobEvent, JobSpec } from '@trainyard/contracts';
import { loadDataset } from './dataset.js';
import { train } from './train.js';

type Progress = Extract<JobEvent, { type: 'log' | 'batch' | 'epoch' | 'resumed' }>;

function spec(fit: JobSpec['fit'], compile: Partial<JobSpec['compile']> = {}): JobSpec {
  return {
    model: {
      class_name: 'Sequential',
      config: {
        layers: [
          { class_name: 'Dense', config: { units: 8, activation: 'relu', batch_input_shape: [null, 2] } },
          { class_name: 'Dense', config: { units: 2, activation: 'softmax' } },
        ],
      },
    },
    compile: {
      optimizer: { class_name: 'Adam', config: { learning_rate: 0.01 } },
      loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'],
      ...compile,
    },
    fit,
    dataset: { builtin: 'spirals', options: { samples: 200 } },
    seed: 5,
  };
}

async function run(s: JobSpec, signal?: AbortSignal) {
  const data = await loadDataset(s.dataset, { fashionMnistDir: '/nonexistent' });
  const events: Progress[] = [];
  const result = await train(s, data, async (e) => void events.push(e), signal);
  return { result, epochs: events.filter((e): e is Extract<Progress, { type: 'epoch' }> => e.type === 'epoch') };
}

describe('train()', () => {
  it('runs every epoch when nothing stops it, and says so', async () => {
    const { result, epochs } = await run(spec({ epochs: 3 }));
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(result).toMatchObject({ aborted: false, epoch: 3 });
    expect(result.stoppedEarly).toBeUndefined();
  });

  it('ends an EarlyStopping run as finished, not aborted, with where and why it stopped', async () => {
    // Accuracy is at most 1: nothing beats the first epoch by min_delta 1, so patience 1 stops after epoch 2.
    const early = { class_name: 'EarlyStopping', config: { monitor: 'accuracy', min_delta: 1, patience: 1 } };
    const { result, epochs } = await run(spec({ epochs: 20, callbacks: [early] }));
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(result).toMatchObject({
      aborted: false,
      epoch: 2,
      stoppedEarly: { monitor: 'accuracy', best: epochs[0].logs.accuracy, best_epoch: 1 },
    });
  });

  it('counts epochs from initial_epoch and applies class_weight and metric objects', async () => {
    const s = spec(
      { epochs: 4, initial_epoch: 2, class_weight: { '0': 3 } },
      { metrics: [{ class_name: 'SparseTopKCategoricalAccuracy', config: { k: 1 } }, 'accuracy'] },
    );
    const { result, epochs } = await run(s);
    expect(epochs.map((e) => e.epoch)).toEqual([3, 4]);
    expect(epochs.every((e) => e.epochs === 4)).toBe(true);
    // Top-1 is accuracy under another name.
    for (const e of epochs) expect(e.logs.sparse_top_k_categorical_accuracy).toBe(e.logs.accuracy);
    expect(result).toMatchObject({ aborted: false, epoch: 4 });
    // Class weights change the loss the model reports.
    const { epochs: unweighted } = await run(spec({ epochs: 4, initial_epoch: 2 }));
    expect(unweighted[0].logs.loss).not.toBe(epochs[0].logs.loss);
  });

  it('is aborted when its signal fires', async () => {
    const ac = new AbortController();
    ac.abort('cancelled');
    const { result } = await run(spec({ epochs: 5 }), ac.signal);
    expect(result.aborted).toBe(true);
    expect(result.stoppedEarly).toBeUndefined();
  });
});
