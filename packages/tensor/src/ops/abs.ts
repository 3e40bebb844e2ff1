import type { Tensor } from '../tensor.js';
import { unaryOp, type TensorLike } from './util.js';

/** |x|; the gradient at 0 is 0 (sign(0) = 0, as TF). */
export function abs(x: TensorLike): Tensor {
  return unaryOp('abs', x, Math.abs, (g, x) => {
    const dx = new Float32Array(g.length);
    for (let i = 0; i < g.length; i++) dx[i] = x[i] > 0 ? g[i] : x[i] < 0 ? -g[i] : 0;
    return dx;
  });
}
