// Test-only: size-0 shapes for the op suites in oracle.ts, which cover ranks 0–3 but not empty
// tensors. Empty outputs must keep the right shape and backward must not trip over them.
import { describe, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { expectClose, rand, tf, toTf } from './oracle.js';

/** Broadcast pairs where at least one side (and so the output) has a size-0 axis. */
export const EMPTY_PAIRS: [number[], number[]][] = [
  [[0], []],
  [[0, 3], [3]],
  [
    [2, 0, 1],
    [1, 4],
  ],
];

/** Unary op on size-0 shapes: shape matches TF.js and the gradient check passes. */
export function describeEmptyUnary(
  name: string,
  ours: (a: Tensor) => Tensor,
  theirs: (a: tf.Tensor) => tf.Tensor,
): void {
  describe(`${name} (size 0)`, () => {
    it.each([[[0]], [[2, 0, 3]]])('matches TF.js for shape %j', (shape) => {
      const a = rand(shape);
      expectClose(ours(a), theirs(toTf(a)));
      gradcheck(ours, [a]);
    });
  });
}

/** Binary op on size-0 broadcast pairs: shape matches TF.js and the gradient check passes. */
export function describeEmptyBinary(
  name: string,
  ours: (a: Tensor, b: Tensor) => Tensor,
  theirs: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
): void {
  describe(`${name} (size 0)`, () => {
    it.each(EMPTY_PAIRS)('matches TF.js for %j with %j', (sa, sb) => {
      const a = rand(sa, 1, 0.5, 2);
      const b = rand(sb, 2, 0.5, 2);
      expectClose(ours(a, b), theirs(toTf(a), toTf(b)));
      gradcheck(ours, [a, b]);
    });
  });
}

/**
 * Our gradients against tf.grads on the same inputs, each projected on the same random output
 * weights. Complements gradcheck: it pins conventions at kinks (ties, x = 0) to TF's choice.
 */
export function expectGradsMatchTf(
  ours: (...t: Tensor[]) => Tensor,
  theirs: (...t: tf.Tensor[]) => tf.Tensor,
  inputs: readonly Tensor[],
  tol = 1e-4,
): void {
  const leaves = inputs.map((t) => tensor(t.data.slice(), t.shape, true));
  const out = ours(...leaves);
  const w = rand(out.shape, 99);
  out.backward(w);
  const tfGrads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(theirs(...xs), toTf(w))))(inputs.map(toTf));
  leaves.forEach((leaf, i) =>
    expectClose(leaf.grad ?? tensor(new Float32Array(leaf.size), leaf.shape), tfGrads[i], tol),
  );
}
