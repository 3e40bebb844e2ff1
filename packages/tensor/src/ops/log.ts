import type { Tensor } from '../tensor.js';
import { unaryOp, type TensorLike } from './util.js';

/** Natural logarithm. */
export function log(x: TensorLike): Tensor {
  return unaryOp('log', x, Math.log, (g, x) => {
    const dx = new Float32Array(g.length);
    for (let i = 0; i < g.length; i++) dx[i] = g[i] / x[i];
    return dx;
  });
}
