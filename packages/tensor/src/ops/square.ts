import type { Tensor } from '../tensor.js';
import { unaryOp, type TensorLike } from './util.js';

/** x². */
export function square(x: TensorLike): Tensor {
  return unaryOp(
    'square',
    x,
    (v) => v * v,
    (g, x) => {
      const dx = new Float32Array(g.length);
      for (let i = 0; i < g.length; i++) dx[i] = 2 * g[i] * x[i];
      return dx;
    },
  );
}
