import type { Tensor } from '../tensor.js';
import { unaryOp, type TensorLike } from './util.js';

/** √x. */
export function sqrt(x: TensorLike): Tensor {
  return unaryOp('sqrt', x, Math.sqrt, (g, _x, y) => {
    const dx = new Float32Array(g.length);
    for (let i = 0; i < g.length; i++) dx[i] = g[i] / (2 * y[i]);
    return dx;
  });
}
