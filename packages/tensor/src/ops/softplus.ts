import type { Tensor } from '../tensor.js';
import { unaryPointwise } from './pointwise.js';
import type { TensorLike } from './util.js';

/** log(1 + eˣ), computed as max(x, 0) + log1p(e^−|x|) so it neither overflows nor loses tiny values. */
export function softplus(x: TensorLike): Tensor {
  return unaryPointwise(
    'softplus',
    x,
    (v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))),
    (v) => 1 / (1 + Math.exp(-v)),
  );
}
