import type { Tensor } from '../tensor.js';
import { unaryPointwise } from './pointwise.js';
import type { TensorLike } from './util.js';

/** 1 / sqrt(x). */
export function rsqrt(x: TensorLike): Tensor {
  // d/dx x^(-1/2) = -1/2 · x^(-3/2) = -1/2 · y³.
  return unaryPointwise(
    'rsqrt',
    x,
    (v) => 1 / Math.sqrt(v),
    (_, y) => -0.5 * y * y * y,
  );
}
