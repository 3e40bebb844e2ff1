import type { Tensor } from '../tensor.js';
import { binaryPointwise } from './pointwise.js';
import type { TensorLike } from './util.js';

/** Element-wise min with broadcasting; on ties the gradient goes to `a` (as TF.js does). */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binaryPointwise(
    'minimum',
    a,
    b,
    (x, y) => (x <= y ? x : y),
    (x, y) => (x <= y ? 1 : 0),
    (x, y) => (x <= y ? 0 : 1),
  );
}
