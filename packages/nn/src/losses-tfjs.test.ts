import * as tf from '@tensorflow/tfjs';
import { gradcheck, Rng, Tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { alignTargets, computeLoss, parseLoss } from './losses.js';

tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');

const [N, C] = [9, 4];
const rng = new Rng(11);
const rand = (n: number, lo: number, hi: number): number[] =>
  Array.from({ length: n }, () => Math.fround(rng.uniform(lo, hi)));
const ours = (loss: unknown, y: number[], p: number[], yShape = [N, C], logits = false): number => {
  const spec = parseLoss(loss);
  const pred = new Tensor(new Float32Array(p), [N, C]);
  return computeLoss(
    spec,
    alignTargets(spec, new Tensor(new Float32Array(y), yShape), pred.shape),
    pred,
    logits || spec.fromLogits,
  ).item();
};
const t2 = (v: number[]): tf.Tensor => tf.tensor2d(v, [N, C]);
const scalar = (t: tf.Tensor): number => t.mean().dataSync()[0];

describe('losses against TF.js on random inputs', () => {
  const yReg = rand(N * C, -2, 2);
  const pReg = rand(N * C, -2, 2);
  const probs = rand(N * C, 0.02, 0.98);
  const bits = rand(N * C, 0, 1).map(Math.round);
  const logits = rand(N * C, -4, 4);
  const labels = rand(N, 0, C).map(Math.floor);
  const oneHot = labels.flatMap((l) => Array.from({ length: C }, (_, c) => (c === l ? 1 : 0)));

  it('mse, mae', () => {
    expect(ours('mse', yReg, pReg)).toBeCloseTo(scalar(tf.losses.meanSquaredError(t2(yReg), t2(pReg))), 5);
    expect(ours('mae', yReg, pReg)).toBeCloseTo(scalar(tf.losses.absoluteDifference(t2(yReg), t2(pReg))), 5);
  });

  it('huber (δ = 1 default, and δ = 0.5), with a gradient check', () => {
    expect(ours('huber', yReg, pReg)).toBeCloseTo(scalar(tf.losses.huberLoss(t2(yReg), t2(pReg))), 5);
    expect(ours({ class_name: 'Huber', config: { delta: 0.5 } }, yReg, pReg)).toBeCloseTo(
      scalar(tf.losses.huberLoss(t2(yReg), t2(pReg), undefined, 0.5)),
      5,
    );
    const spec = parseLoss('huber');
    const y = new Tensor(new Float32Array(yReg), [N, C]);
    gradcheck((p) => computeLoss(spec, y, p, false), [new Tensor(new Float32Array(pReg), [N, C])]);
  });

  it('crossentropies from probabilities (Keras clipping: tf.metrics.*Crossentropy)', () => {
    expect(ours('binary_crossentropy', bits, probs)).toBeCloseTo(
      scalar(tf.metrics.binaryCrossentropy(t2(bits), t2(probs))),
      5,
    );
    expect(ours('categorical_crossentropy', oneHot, probs)).toBeCloseTo(
      scalar(tf.metrics.categoricalCrossentropy(t2(oneHot), t2(probs))),
      5,
    );
    expect(ours('sparse_categorical_crossentropy', labels, probs, [N])).toBeCloseTo(
      scalar(tf.metrics.categoricalCrossentropy(t2(oneHot), t2(probs))),
      5,
    );
  });

  it('crossentropies from_logits (stable forms: tf.losses.sigmoidCrossEntropy / softmaxCrossEntropy)', () => {
    const bce = { class_name: 'BinaryCrossentropy', config: { from_logits: true } };
    expect(ours(bce, bits, logits)).toBeCloseTo(scalar(tf.losses.sigmoidCrossEntropy(t2(bits), t2(logits))), 5);
    const cce = { class_name: 'CategoricalCrossentropy', config: { from_logits: true } };
    expect(ours(cce, oneHot, logits)).toBeCloseTo(scalar(tf.losses.softmaxCrossEntropy(t2(oneHot), t2(logits))), 5);
    const scce = { class_name: 'SparseCategoricalCrossentropy', config: { from_logits: true } };
    expect(ours(scce, labels, logits, [N, 1])).toBeCloseTo(
      scalar(tf.losses.softmaxCrossEntropy(t2(oneHot), t2(logits))),
      5,
    );
    // Saturated logits stay finite and exact (no clipping): BCE of x = 40 with y = 0 is 40.
    const big = Array.from({ length: N * C }, () => 40);
    expect(ours(bce, new Array(N * C).fill(0), big)).toBeCloseTo(40, 4);
  });

  it('huber parses its options and rejects foreign ones', () => {
    expect(parseLoss('huber')).toEqual({ name: 'huber', fromLogits: false, delta: 1 });
    expect(
      parseLoss({ class_name: 'Huber', config: { delta: 2, reduction: 'sum_over_batch_size', name: 'huber_loss' } }),
    ).toEqual({ name: 'huber', fromLogits: false, delta: 2 });
    expect(() => parseLoss({ class_name: 'Huber', config: { delta: 0 } })).toThrow(/delta/);
    expect(() => parseLoss({ class_name: 'MeanSquaredError', config: { delta: 1 } })).toThrow(/no delta/);
  });
});
