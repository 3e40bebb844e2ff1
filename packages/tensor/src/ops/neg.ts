import type { Tensor } from '../tensor.js';
import { unaryOp, type TensorLike } from './util.js';

/** −x. */
export function neg(x: TensorLike): Tensor {
  return unaryOp(
    'neg',
    x,
    (v) => -v,
    (g) => g.map((v) => -v),
  );
}
