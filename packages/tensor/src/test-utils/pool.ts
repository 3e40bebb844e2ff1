// Test-only: shared cases and TF.js oracle of the 2-D pooling ops.
import type { Padding } from '../kernels/conv-geometry.js';
import { Tensor } from '../tensor.js';
import { rand, tf, toTf } from './oracle.js';

/** Pooling cases [input NHWC, pool size, strides, padding]: odd sizes, overlapping and gapped windows, both paddings. */
export const POOL_CASES: [number[], number | [number, number], number | [number, number], Padding][] = [
  [[2, 6, 6, 3], 2, 2, 'valid'],
  [[2, 7, 5, 3], 2, 2, 'same'],
  [[1, 7, 7, 2], 3, 2, 'same'],
  [[1, 7, 7, 2], 3, 2, 'valid'],
  [[1, 8, 6, 1], [3, 2], [1, 2], 'same'],
  [[2, 9, 8, 2], 2, 3, 'same'],
  [[1, 5, 5, 4], 5, 1, 'same'],
];

/** Values and input gradient of a TF.js pooling op, weighting the output with a fixed random u. */
export function poolOracle(x: Tensor, op: (t: tf.Tensor4D) => tf.Tensor) {
  const tx = toTf(x);
  const y = op(tx as tf.Tensor4D);
  const u = toTf(rand(y.shape, 9));
  const dx = tf.grad((t: tf.Tensor) =>
    op(t as tf.Tensor4D)
      .mul(u)
      .sum(),
  )(tx);
  return { y, dx, u: new Tensor(new Float32Array(u.dataSync()), y.shape) };
}
