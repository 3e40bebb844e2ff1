import type { Tensor } from '../tensor.js';
import { unaryOp, type TensorLike } from './util.js';

/** eˣ. */
export function exp(x: TensorLike): Tensor {
  return unaryOp('exp', x, Math.exp, (g, _x, y) => {
    const dx = new Float32Array(g.length);
    for (let i = 0; i < g.length; i++) dx[i] = g[i] * y[i];
    return dx;
  });
}
