import * as tf from '@tensorflow/tfjs';
import { Rng } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { NnError } from './errors.js';
import { createMetrics, MAX_AUC_THRESHOLDS, parseMetrics, type Metric, type MetricBatch } from './metrics.js';

tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');

// Feeds `rows` samples to a fresh metric in batches of `bs`, as fit/evaluate do; returns result().
function stream(metric: Metric, yTrue: number[], yPred: number[], classes: number, bs: number, yRaw = yTrue): number {
  metric.reset();
  const rows = yPred.length / classes;
  const rawWidth = yRaw.length / rows;
  for (let r = 0; r < rows; r += bs) {
    const n = Math.min(bs, rows - r);
    const b: MetricBatch = {
      yRaw: Float32Array.from(yRaw.slice(r * rawWidth, (r + n) * rawWidth)),
      yTrue: Float32Array.from(yTrue.slice(r * classes, (r + n) * classes)),
      yPred: Float32Array.from(yPred.slice(r * classes, (r + n) * classes)),
      rows: n,
      classes,
    };
    metric.update(b);
  }
  return metric.result();
}

const one = (name: unknown, out: number[], target: number[]): Metric =>
  createMetrics(parseMetrics([name]), out, target)[0];
const rand = (n: number, seed: number, lo = 0, hi = 1): number[] => {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Math.fround(rng.uniform(lo, hi)));
};

describe('parseMetrics', () => {
  it('keeps the typed name, fills Keras defaults, and suffixes duplicates', () => {
    expect(parseMetrics(['acc', 'mae', 'AUC', 'topKCategoricalAccuracy', 'acc'])).toEqual([
      { name: 'acc', kind: 'accuracy' },
      { name: 'mae', kind: 'mae' },
      { name: 'AUC', kind: 'auc', numThresholds: 200 },
      { name: 'topKCategoricalAccuracy', kind: 'top_k', k: 5 },
      { name: 'acc_1', kind: 'accuracy' },
    ]);
    expect(
      parseMetrics([
        { class_name: 'TopKCategoricalAccuracy', config: { k: 2 } },
        { class_name: 'Precision', config: { thresholds: 0.3, name: 'p' } },
      ]),
    ).toEqual([
      { name: 'top_k_categorical_accuracy', kind: 'top_k', k: 2 },
      { name: 'p', kind: 'precision', threshold: 0.3 },
    ]);
  });
  it('rejects unknown metrics and unsupported options with a path', () => {
    expect(() => parseMetrics(['f1'])).toThrow(
      expect.objectContaining({ code: 'SPEC_UNKNOWN_METRIC', details: { path: '/metrics/0' } }),
    );
    expect(() => parseMetrics([{ class_name: 'AUC', config: { curve: 'PR' } }])).toThrow(
      expect.objectContaining({ details: { path: '/metrics/0/config/curve' } }),
    );
    expect(() => createMetrics(parseMetrics(['sparse_top_k_categorical_accuracy']), [10], [10])).toThrow(NnError);
    // AUC's state and per-prediction work grow with num_thresholds: a billion took a worker to 19.7 GB.
    expect(() => parseMetrics([{ class_name: 'AUC', config: { num_thresholds: 1_000_000_000 } }])).toThrow(
      expect.objectContaining({
        code: 'SPEC_INVALID_METRIC_CONFIG',
        details: { path: '/metrics/0/config/num_thresholds' },
      }),
    );
    expect(parseMetrics([{ class_name: 'AUC', config: { num_thresholds: MAX_AUC_THRESHOLDS } }])[0].numThresholds).toBe(
      MAX_AUC_THRESHOLDS,
    );
  });
});

describe('streamed metrics', () => {
  const rows = 37;
  const classes = 6;
  const yPred = rand(rows * classes, 1);
  const labels = rand(rows, 2, 0, classes).map(Math.floor);
  const oneHot = labels.flatMap((l) => Array.from({ length: classes }, (_, c) => (c === l ? 1 : 0)));
  const yReg = rand(rows * classes, 3, -1, 1);

  it('mae / mse equal TF.js over the whole set, whatever the batch size', () => {
    const mae = tf.metrics
      .meanAbsoluteError(tf.tensor2d(yReg, [rows, classes]), tf.tensor2d(yPred, [rows, classes]))
      .mean()
      .dataSync()[0];
    const mse = tf.metrics
      .meanSquaredError(tf.tensor2d(yReg, [rows, classes]), tf.tensor2d(yPred, [rows, classes]))
      .mean()
      .dataSync()[0];
    for (const bs of [1, 5, 100]) {
      expect(stream(one('mae', [classes], [classes]), yReg, yPred, classes, bs)).toBeCloseTo(mae, 6);
      expect(stream(one('mse', [classes], [classes]), yReg, yPred, classes, bs)).toBeCloseTo(mse, 6);
    }
  });

  it('accuracy (categorical and sparse) equals TF.js', () => {
    const want = tf.metrics
      .categoricalAccuracy(tf.tensor2d(oneHot, [rows, classes]), tf.tensor2d(yPred, [rows, classes]))
      .mean()
      .dataSync()[0];
    expect(stream(one('accuracy', [classes], [classes]), oneHot, yPred, classes, 8)).toBeCloseTo(want, 6);
    expect(stream(one('accuracy', [classes], []), oneHot, yPred, classes, 8, labels)).toBeCloseTo(want, 6);
  });

  it('top-k: the target among the k highest scores (k = 5 default, ties count in)', () => {
    // Rank of the true class's score among its row, computed independently.
    const rank = (r: number, t: number): number =>
      yPred.slice(r * classes, (r + 1) * classes).filter((v) => v > yPred[r * classes + t]).length;
    for (const k of [1, 3, 5]) {
      const want = labels.filter((t, r) => rank(r, t) < k).length / rows;
      const cfg = { k };
      expect(
        stream(
          one({ class_name: 'TopKCategoricalAccuracy', config: cfg }, [classes], [classes]),
          oneHot,
          yPred,
          classes,
          7,
        ),
      ).toBeCloseTo(want, 6);
      expect(
        stream(
          one({ class_name: 'SparseTopKCategoricalAccuracy', config: cfg }, [classes], [1]),
          oneHot,
          yPred,
          classes,
          7,
          labels,
        ),
      ).toBeCloseTo(want, 6);
    }
    expect(stream(one('top_k_categorical_accuracy', [3], [3]), [0, 0, 1], [0.5, 0.3, 0.2], 3, 1)).toBe(1); // 3 classes ≤ k
    expect(
      stream(
        one({ class_name: 'TopKCategoricalAccuracy', config: { k: 1 } }, [3], [3]),
        [0, 0, 1, 0, 1, 0],
        [0.2, 0.5, 0.2, 0.4, 0.4, 0.2],
        3,
        1,
      ),
    ).toBe(0.5);
  });

  it('precision / recall: hand-computed and equal to TF.js on thresholded predictions', () => {
    const y = [1, 0, 1, 1, 0, 0, 1, 0];
    const p = [0.9, 0.6, 0.4, 0.7, 0.2, 0.5, 0.51, 0.1];
    // > 0.5 → predicted positive: 0.9, 0.6, 0.7, 0.51 (0.5 is not > 0.5). TP = 3, FP = 1, FN = 1.
    expect(stream(one('precision', [1], [1]), y, p, 1, 3)).toBeCloseTo(0.75, 7);
    expect(stream(one('recall', [1], [1]), y, p, 1, 3)).toBeCloseTo(0.75, 7);
    expect(stream(one({ class_name: 'Recall', config: { thresholds: 0.35 } }, [1], [1]), y, p, 1, 2)).toBe(1); // 0.4 now counts
    const yb = rand(100, 7).map(Math.round);
    const pb = rand(100, 8);
    const hard = tf.tensor1d(pb.map((v) => (v > 0.5 ? 1 : 0)));
    expect(stream(one('precision', [1], [1]), yb, pb, 1, 9)).toBeCloseTo(
      tf.metrics.precision(tf.tensor1d(yb), hard).dataSync()[0],
      6,
    );
    expect(stream(one('recall', [1], [1]), yb, pb, 1, 9)).toBeCloseTo(
      tf.metrics.recall(tf.tensor1d(yb), hard).dataSync()[0],
      6,
    );
    expect(stream(one('precision', [1], [1]), [1, 0], [0.1, 0.2], 1, 2)).toBe(0); // no positive predictions: 0, not NaN
  });

  it('AUC: ROC with 200 thresholds, trapezoids; exact when predictions fall in distinct buckets', () => {
    // Positives 0.35, 0.8; negatives 0.1, 0.4: 3 of 4 (pos, neg) pairs are ordered → 0.75.
    expect(stream(one('auc', [1], [1]), [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 1, 1)).toBeCloseTo(0.75, 6);
    expect(stream(one('auc', [1], [1]), [1, 0], [0.5, 0.5], 1, 2)).toBeCloseTo(0.5, 6); // a tie is the diagonal
    expect(stream(one('auc', [1], [1]), [0, 1, 0, 1], [0.2, 0.9, 0.3, 0.6], 1, 3)).toBeCloseTo(1, 6);
    // Two scores inside one bucket (0.503, 0.504 both in (100/199, 101/199]) are indistinguishable: the
    // pair counts half, as Keras's interpolation gives: (1 + 1 + 0.5 + 1) / 4.
    expect(stream(one('auc', [1], [1]), [1, 0, 1, 0], [0.503, 0.504, 0.9, 0.1], 1, 4)).toBeCloseTo(0.875, 6);
    // num_thresholds 3: thresholds {−ε, 0.5, 1+ε}; TPR/FPR at 0.5 = 1/2, 1/2 → area 0.5.
    expect(
      stream(
        one({ class_name: 'AUC', config: { num_thresholds: 3 } }, [1], [1]),
        [1, 0, 1, 0],
        [0.9, 0.9, 0.1, 0.1],
        1,
        4,
      ),
    ).toBeCloseTo(0.5, 6);
  });
});
