import type { Tensor } from '../tensor.js';
import { unaryOp, type TensorLike } from './util.js';

/** max(x, 0); the gradient at 0 is 0 (as TF). */
export function relu(x: TensorLike): Tensor {
  return unaryOp('relu', x, (v) => (v > 0 ? v : 0), (g, x) => {
    const dx = new Float32Array(g.length);
    for (let i = 0; i < g.length; i++) dx[i] = x[i] > 0 ? g[i] : 0;
    return dx;
  });
}
