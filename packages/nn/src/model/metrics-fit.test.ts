import { Tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import type { Logs } from '../callbacks.js';
import { createMetrics, parseMetrics } from '../metrics.js';
import { mlp, xorData } from '../test-utils/fixtures.js';
import { sliceRows } from './data.js';
import { modelFromJson } from './model.js';

// Metric value over a whole set in one batch, from predict's outputs (an independent path).
function direct(name: string, pred: Tensor, y: Tensor, yAligned: Float32Array): number {
  const m = createMetrics(parseMetrics([name]), pred.shape.slice(1), y.shape.slice(1))[0];
  m.update({
    yRaw: y.dataSync(),
    yTrue: yAligned,
    yPred: pred.dataSync(),
    rows: pred.shape[0],
    classes: pred.shape[pred.ndim - 1],
  });
  return m.result();
}

describe('metrics in compile / fit / evaluate', () => {
  it('logs every metric under its name and val_ name, streamed over batches', async () => {
    const [x, y] = xorData(120, 9);
    const m = modelFromJson(
      mlp(2, [
        [8, 'tanh'],
        [1, 'sigmoid'],
      ]),
      { seed: 2 },
    );
    const names = ['accuracy', 'precision', 'recall', 'auc', 'mae'];
    m.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: names });
    expect(m.metricsNames).toEqual(['loss', ...names]);
    const batches: Logs[] = [];
    const h = await m.fit(x, y, {
      epochs: 2,
      batchSize: 16,
      validationSplit: 0.25,
      callbacks: [{ onBatchEnd: (_b, l) => void batches.push(l) }],
    });
    expect(Object.keys(h.history).sort()).toEqual(
      ['loss', ...names, ...['loss', ...names].map((n) => `val_${n}`)].sort(),
    );
    // Batch logs carry the running value since the epoch began: the last batch of an epoch equals the epoch value.
    const lastOfEpoch0 = batches[Math.ceil(90 / 16) - 1];
    for (const n of names) expect(lastOfEpoch0[n]).toBeCloseTo(h.history[n][0], 6);
    // Validation values are over the whole validation set: equal to one big batch, not a mean of batch values.
    const [vx, vy] = [sliceRows(x, 90, 30), sliceRows(y, 90, 30)];
    const pred = m.predict(vx);
    for (const n of names) {
      const want = direct(n, pred, vy, vy.dataSync());
      expect(h.history[`val_${n}`][1]).toBeCloseTo(want, 5);
      expect(m.evaluate(vx, vy, { batchSize: 7 })[n]).toBeCloseTo(want, 5);
    }
  });

  it('metrics see probabilities when a softmax output trains on fused logits', () => {
    const [x, y] = xorData(40, 3);
    const m = modelFromJson(
      mlp(2, [
        [8, 'tanh'],
        [2, 'softmax'],
      ]),
      { seed: 5 },
    );
    m.compile({
      optimizer: 'sgd',
      loss: 'sparse_categorical_crossentropy',
      metrics: ['mse', 'sparse_top_k_categorical_accuracy', 'acc'],
    });
    const p = m.predict(x).dataSync();
    const labels = y.dataSync();
    let mse = 0;
    for (let i = 0; i < 40; i++)
      for (let c = 0; c < 2; c++) mse += (p[i * 2 + c] - (labels[i] === c ? 1 : 0)) ** 2 / 80;
    const logs = m.evaluate(x, y, { batchSize: 8 });
    expect(logs.mse).toBeCloseTo(mse, 6);
    expect(logs.sparse_top_k_categorical_accuracy).toBe(1); // 2 classes ≤ k = 5
    expect(logs.acc).toBeGreaterThanOrEqual(0);
  });
});
