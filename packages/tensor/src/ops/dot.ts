import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { contract } from './tensordot.js';

/**
 * NumPy `dot`: vector·vector → scalar, matrix·vector, and in general the last axis of `x`
 * against the second-to-last of `y` (the only axis of a vector); a rank-0 operand multiplies.
 * Composite (matmul underneath).
 */
export function dot(x: Tensor, y: Tensor): Tensor {
  if (x.ndim === 0 || y.ndim === 0) return mul(x, y);
  return contract('dot', x, y, [x.ndim - 1], [y.ndim === 1 ? 0 : y.ndim - 2]);
}
