import type { Tensor } from '../tensor.js';
import { unaryPointwise } from './pointwise.js';
import type { TensorLike } from './util.js';

/** x for x > 0, alpha·(eˣ − 1) otherwise (alpha = 1 as TF.js and Keras). */
export function elu(x: TensorLike, alpha = 1): Tensor {
  // For x ≤ 0, dy/dx = alpha·eˣ = y + alpha.
  return unaryPointwise(
    'elu',
    x,
    (v) => (v > 0 ? v : alpha * Math.expm1(v)),
    (v, y) => (v > 0 ? 1 : y + alpha),
  );
}
