import { gradcheck, noGrad, Rng, softmax, Tensor, tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { NnError } from './errors.js';
import { alignTargets, checkTargets, computeLoss, EPS, parseLoss, type LossSpec } from './losses.js';
import { resolveAccuracy, sumAccuracy } from './metrics.js';

const value = (spec: LossSpec, y: Tensor, p: Tensor, logits = false): number =>
  computeLoss(spec, alignTargets(spec, y, p.shape), p, logits).item();

describe('losses', () => {
  it('parses Keras names, aliases and class forms', () => {
    expect(parseLoss('mse')).toEqual({ name: 'mean_squared_error', fromLogits: false });
    expect(parseLoss('sparseCategoricalCrossentropy').name).toBe('sparse_categorical_crossentropy');
    expect(
      parseLoss({
        class_name: 'CategoricalCrossentropy',
        config: { from_logits: true, reduction: 'sum_over_batch_size', name: 'x' },
      }),
    ).toEqual({ name: 'categorical_crossentropy', fromLogits: true });
    expect(() => parseLoss('hinge')).toThrow(NnError);
    expect(() => parseLoss({ class_name: 'BinaryCrossentropy', config: { label_smoothing: 0.1 } })).toThrow(
      /label_smoothing/,
    );
  });

  it('match hand-computed values', () => {
    expect(value(parseLoss('mse'), tensor([[1, 2]]), tensor([[2, 4]]))).toBeCloseTo(2.5, 6);
    expect(value(parseLoss('mae'), tensor([[1], [2]]), tensor([[2], [4]]))).toBeCloseTo(1.5, 6);
    const bce = -(Math.log(0.8) + Math.log(0.6)) / 2;
    expect(value(parseLoss('binary_crossentropy'), tensor([1, 0]), tensor([[0.8], [0.4]]))).toBeCloseTo(bce, 6);
    // CCE renormalises rows before clipping.
    expect(value(parseLoss('categorical_crossentropy'), tensor([[0, 1]]), tensor([[1, 3]]))).toBeCloseTo(
      -Math.log(0.75),
      6,
    );
    expect(
      value(
        parseLoss('sparse_categorical_crossentropy'),
        tensor([[2], [0]]),
        tensor([
          [0.1, 0.2, 0.7],
          [0.5, 0.25, 0.25],
        ]),
      ),
    ).toBeCloseTo(-(Math.log(0.7) + Math.log(0.5)) / 2, 6);
  });

  it('clip probabilities at EPS the Keras way', () => {
    expect(value(parseLoss('binary_crossentropy'), tensor([1]), tensor([[0]]))).toBeCloseTo(-Math.log(EPS), 3);
    expect(value(parseLoss('sparse_categorical_crossentropy'), tensor([0]), tensor([[0, 1]]))).toBeCloseTo(
      -Math.log(EPS),
      3,
    );
  });

  it('from_logits forms equal the probability forms on unsaturated inputs', () => {
    const rng = new Rng(4);
    const logits = new Tensor(
      Float32Array.from({ length: 12 }, () => rng.uniform(-2, 2)),
      [4, 3],
    );
    const labels = tensor([0, 2, 1, 2]);
    const scce = parseLoss('sparse_categorical_crossentropy');
    expect(value(scce, labels, logits, true)).toBeCloseTo(
      value(
        scce,
        labels,
        noGrad(() => softmax(logits)),
      ),
      5,
    );
    const bce = parseLoss('binary_crossentropy');
    const x = tensor([[-1.5], [0.3], [2]]);
    const p = tensor([[1 / (1 + Math.exp(1.5))], [1 / (1 + Math.exp(-0.3))], [1 / (1 + Math.exp(-2))]]);
    expect(value(bce, tensor([0, 1, 1]), x, true)).toBeCloseTo(value(bce, tensor([0, 1, 1]), p), 5);
  });

  it('fused softmax-crossentropy has the composite’s gradient', () => {
    const rng = new Rng(5);
    const logits = new Tensor(
      Float32Array.from({ length: 15 }, () => rng.uniform(-2, 2)),
      [5, 3],
    );
    const spec = parseLoss('sparse_categorical_crossentropy');
    const y = alignTargets(spec, tensor([0, 1, 2, 1, 0]), [5, 3]);
    const fused = new Tensor(logits.data.slice(), logits.shape, true);
    computeLoss(spec, y, fused, true).backward();
    const composite = new Tensor(logits.data.slice(), logits.shape, true);
    computeLoss(spec, y, softmax(composite), false).backward();
    for (let i = 0; i < 15; i++) expect(fused.grad!.data[i]).toBeCloseTo(composite.grad!.data[i], 5);
    gradcheck((z) => computeLoss(spec, y, z, true), [logits]);
  });

  it('check target shapes against the loss', () => {
    const scce = parseLoss('sparse_categorical_crossentropy');
    expect(() => checkTargets(scce, [10], [])).not.toThrow();
    expect(() => checkTargets(scce, [10], [1])).not.toThrow();
    expect(() => checkTargets(scce, [10], [10])).toThrow(/must be class indices of shape \[\] or \[1\]/);
    expect(() => checkTargets(parseLoss('categorical_crossentropy'), [10], [])).toThrow(NnError);
    expect(() => checkTargets(parseLoss('mse'), [1], [])).not.toThrow();
    expect(() => checkTargets(parseLoss('mse'), [3], [2])).toThrow(
      expect.objectContaining({
        code: 'SPEC_INCOMPATIBLE_TARGETS',
        message: expect.stringMatching(/output \[3\] with targets \[2\]/),
      }),
    );
  });
});

describe('accuracy', () => {
  it('resolves binary / sparse / categorical from shapes as Keras 3 does', () => {
    expect(resolveAccuracy([1], [1])).toBe('binary');
    expect(resolveAccuracy([1], [])).toBe('binary');
    expect(resolveAccuracy([10], [])).toBe('sparse');
    expect(resolveAccuracy([10], [1])).toBe('sparse');
    expect(resolveAccuracy([10], [10])).toBe('categorical');
  });

  it('counts correct samples', () => {
    const pred = new Float32Array([0.1, 0.9, 0.8, 0.2, 0.3, 0.7]);
    expect(sumAccuracy('sparse', new Float32Array([1, 0, 0]), pred, 3, 2)).toBe(2);
    expect(sumAccuracy('categorical', new Float32Array([0, 1, 1, 0, 0, 1]), pred, 3, 2)).toBe(3);
    expect(sumAccuracy('binary', new Float32Array([0, 1, 1]), new Float32Array([0.2, 0.4, 0.9]), 3, 1)).toBe(2);
  });
});
