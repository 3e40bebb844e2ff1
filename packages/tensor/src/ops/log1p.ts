import type { Tensor } from '../tensor.js';
import { unaryPointwise } from './pointwise.js';
import type { TensorLike } from './util.js';

/** log(1 + x), accurate for tiny x. */
export function log1p(x: TensorLike): Tensor {
  return unaryPointwise('log1p', x, Math.log1p, (v) => 1 / (1 + v));
}
