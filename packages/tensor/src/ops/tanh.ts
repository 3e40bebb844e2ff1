import type { Tensor } from '../tensor.js';
import { unaryOp, type TensorLike } from './util.js';

/** Hyperbolic tangent. */
export function tanh(x: TensorLike): Tensor {
  return unaryOp('tanh', x, Math.tanh, (g, _x, y) => {
    const dx = new Float32Array(g.length);
    for (let i = 0; i < g.length; i++) dx[i] = g[i] * (1 - y[i] * y[i]);
    return dx;
  });
}
