import { Rng, Tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import type { Logs } from '../callbacks.js';
import { mlp, xorData } from '../test-utils/fixtures.js';
import { sliceRows } from './data.js';
import { modelFromJson } from './model.js';

const xorModel = (seed: number, loss = 'sparse_categorical_crossentropy', out: [number, string] = [2, 'softmax']) => {
  const m = modelFromJson(mlp(2, [[16, 'tanh'], [16, 'relu'], out]), { seed });
  m.compile({ optimizer: { class_name: 'Adam', config: { learning_rate: 0.03 } }, loss, metrics: ['accuracy'] });
  return m;
};

describe('fit', () => {
  it('learns XOR to high accuracy (sparse softmax and binary sigmoid heads)', async () => {
    const [x, y] = xorData(600, 1);
    const sparse = xorModel(1);
    const h = await sparse.fit(x, y, { epochs: 40, batchSize: 32, validationSplit: 0.2 });
    expect(h.history.val_accuracy.at(-1)).toBeGreaterThan(0.95);
    expect(h.history.loss.at(-1)!).toBeLessThan(h.history.loss[0] / 3);
    const binary = xorModel(2, 'binary_crossentropy', [1, 'sigmoid']);
    const hb = await binary.fit(x, y, { epochs: 40, batchSize: 32 });
    expect(binary.evaluate(x, y).accuracy).toBeGreaterThan(0.95);
    expect(hb.history.accuracy.at(-1)).toBeGreaterThan(0.9);
  });

  it('is deterministic: same seed ⇒ identical logs and weights, other seed ⇒ different', async () => {
    const [x, y] = xorData(200, 2);
    const run = async (seed: number) => {
      const m = modelFromJson(
        {
          ...mlp(2, [
            [8, 'relu'],
            [2, 'softmax'],
          ]),
        },
        { seed },
      );
      m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['acc'] });
      const batches: number[] = [];
      const h = await m.fit(x, y, {
        epochs: 3,
        batchSize: 16,
        callbacks: [{ onBatchEnd: (_b, logs) => void batches.push(logs.loss) }],
      });
      return { h, batches, w: m.getWeights().map((t) => Array.from(t.data)) };
    };
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    expect(b).toEqual(a);
    expect(c.batches).not.toEqual(a.batches);
    expect(Object.keys(a.h.history)).toEqual(['loss', 'acc']);
  });

  it('takes validation_split from the last samples, before shuffling', async () => {
    const [x, y] = xorData(100, 3);
    const m = xorModel(3);
    let trained = 0;
    let valLoss = NaN;
    const h = await m.fit(x, y, {
      epochs: 1,
      batchSize: 7,
      validationSplit: 0.25,
      callbacks: [
        { onBatchEnd: (_b, logs) => void (trained += logs.size) },
        {
          onEpochEnd: () =>
            void (valLoss = m.evaluate(sliceRows(x, 75, 25), sliceRows(y, 75, 25), { batchSize: 7 }).loss),
        },
      ],
    });
    expect(trained).toBe(75);
    expect(h.history.val_loss[0]).toBeCloseTo(valLoss, 6);
  });

  it('logs the batch loss before the update, and the epoch loss as the size-weighted mean', async () => {
    const [x, y] = xorData(50, 4);
    const m = xorModel(4);
    const before = m.evaluate(sliceRows(x, 0, 16), sliceRows(y, 0, 16), { batchSize: 16 }).loss;
    const batches: Logs[] = [];
    const h = await m.fit(x, y, {
      epochs: 1,
      batchSize: 16,
      shuffle: false,
      callbacks: [{ onBatchEnd: (_b, logs) => void batches.push(logs) }],
    });
    expect(batches.map((b) => b.size)).toEqual([16, 16, 16, 2]);
    expect(batches[0].loss).toBeCloseTo(before, 6);
    const weighted = batches.reduce((s, b) => s + b.loss * b.size, 0) / 50;
    expect(h.history.loss[0]).toBeCloseTo(weighted, 6);
    expect(batches.every((b) => b.accuracy >= 0 && b.accuracy <= 1 && b.batch >= 0)).toBe(true);
  });

  it('stops at a batch boundary when the AbortSignal fires, and reports it', async () => {
    const [x, y] = xorData(320, 5);
    const m = xorModel(5);
    const controller = new AbortController();
    const seen: number[] = [];
    const epochs: number[] = [];
    let ended = false;
    const h = await m.fit(x, y, {
      epochs: 5,
      batchSize: 32,
      signal: controller.signal,
      callbacks: [
        {
          onBatchEnd: async (b) => {
            seen.push(b);
            if (b === 3) controller.abort();
          },
          onEpochEnd: (e) => void epochs.push(e),
          onTrainEnd: () => void (ended = true),
        },
      ],
    });
    expect(h.aborted).toBe(true);
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(epochs).toEqual([]);
    expect(h.epoch).toEqual([]);
    expect(m.optimizer?.iterations).toBe(4);
    expect(ended).toBe(true);
  });

  it('honours stopTraining set by a callback (Keras: finish the epoch, then stop) and initialEpoch', async () => {
    const [x, y] = xorData(64, 6);
    const m = xorModel(6);
    const h = await m.fit(x, y, {
      epochs: 10,
      initialEpoch: 2,
      batchSize: 16,
      callbacks: [{ onBatchEnd: (b) => void (b === 1 && (m.stopTraining = true)) }],
    });
    expect(h.epoch).toEqual([2]);
    expect(m.optimizer?.iterations).toBe(2);
  });

  it('resuming at initialEpoch replays the same shuffles as an uninterrupted run', async () => {
    const [x, y] = xorData(96, 7);
    const full = xorModel(7);
    await full.fit(x, y, { epochs: 3, batchSize: 16 });
    const first = xorModel(7);
    await first.fit(x, y, { epochs: 1, batchSize: 16 });
    const resumed = xorModel(7);
    resumed.setWeights(first.getWeights());
    resumed.optimizer!.setWeights(first.optimizer!.getWeights());
    await resumed.fit(x, y, { epochs: 3, initialEpoch: 1, batchSize: 16 });
    expect(resumed.getWeights().map((w) => Array.from(w.data))).toEqual(
      full.getWeights().map((w) => Array.from(w.data)),
    );
  });

  it('rejects invalid fit options', async () => {
    const [x, y] = xorData(10, 8);
    const m = xorModel(8);
    await expect(m.fit(x, y, { epochs: 1, validationSplit: 1.5 })).rejects.toMatchObject({
      code: 'SPEC_INVALID_FIT_CONFIG',
      details: { path: '/validation_split' },
    });
    await expect(m.fit(x, y, { epochs: 1, validationSplit: 0.95 })).rejects.toMatchObject({
      code: 'SPEC_INVALID_FIT_CONFIG',
      message: expect.stringContaining('empty'),
    });
    await expect(m.fit(x, y, { epochs: 1, batchSize: 0 })).rejects.toMatchObject({ code: 'SPEC_INVALID_FIT_CONFIG' });
    const fresh = modelFromJson(mlp(2, [[2, 'softmax']]), { seed: 1 });
    await expect(fresh.fit(x, y, { epochs: 1 })).rejects.toMatchObject({ code: 'SPEC_NOT_COMPILED' });
  });

  it('applies dropout only in training, reproducibly', async () => {
    const spec = {
      class_name: 'Sequential',
      config: {
        layers: [
          { class_name: 'Dense', config: { units: 32, activation: 'relu', batch_input_shape: [null, 2] } },
          { class_name: 'Dropout', config: { rate: 0.3 } },
          { class_name: 'Dense', config: { units: 2, activation: 'softmax' } },
        ],
      },
    };
    const [x, y] = xorData(128, 9);
    const run = async () => {
      const m = modelFromJson(spec, { seed: 9 });
      m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
      const h = await m.fit(x, y, { epochs: 2, batchSize: 32 });
      return { h, p1: Array.from(m.predict(x).data), p2: Array.from(m.predict(x).data) };
    };
    const a = await run();
    expect(a.p1).toEqual(a.p2);
    expect(await run()).toEqual(a);
  });

  it('keeps training memory flat: the graph is released every step', async () => {
    const rng = new Rng(10);
    const x = new Tensor(
      Float32Array.from({ length: 2000 * 20 }, () => rng.uniform()),
      [2000, 20],
    );
    const y = new Tensor(
      Float32Array.from({ length: 2000 }, () => rng.int(0, 3)),
      [2000],
    );
    const m = modelFromJson(
      mlp(20, [
        [256, 'relu'],
        [3, 'softmax'],
      ]),
      { seed: 10 },
    );
    m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const heap: number[] = [];
    await m.fit(x, y, {
      epochs: 15,
      batchSize: 8,
      callbacks: [{ onEpochEnd: () => void heap.push(process.memoryUsage().heapUsed) }],
    });
    // 3750 steps: a leaked graph (≥ 24 KB of activations per step) would add ~90 MB.
    expect(heap.at(-1)! - heap[2]).toBeLessThan(20 * 2 ** 20);
    for (const w of m.trainableWeights()) expect(w._parents).toEqual([]);
  });
});
