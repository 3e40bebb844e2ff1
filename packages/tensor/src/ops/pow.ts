import type { Tensor } from '../tensor.js';
import { binaryPointwise } from './pointwise.js';
import type { TensorLike } from './util.js';

/**
 * a ** b with broadcasting. d/db = aᵇ·ln a where a > 0 and 0 elsewhere (as TF.js), so integer
 * powers of negative bases stay finite.
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return binaryPointwise(
    'pow',
    a,
    b,
    Math.pow,
    // y = 0 is special-cased: 0 · 0⁻¹ would be NaN at x = 0, but x⁰ is constant.
    (x, y) => (y === 0 ? 0 : y * Math.pow(x, y - 1)),
    (x, _, z) => (x > 0 ? z * Math.log(x) : 0),
  );
}
