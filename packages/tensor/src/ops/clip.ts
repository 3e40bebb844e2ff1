import { TensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { unaryOp, type TensorLike } from './util.js';

/** Clamps to [low, high]; the gradient passes only where low ≤ x ≤ high (as tf.clipByValue). */
export function clip(x: TensorLike, low: number, high: number): Tensor {
  if (!(low <= high)) throw new TensorError('TENSOR_INVALID_ARGUMENT', `clip bounds [${low}, ${high}] are empty`);
  return unaryOp(
    'clip',
    x,
    (v) => (v < low ? low : v > high ? high : v),
    (g, x) => {
      const dx = new Float32Array(g.length);
      for (let i = 0; i < g.length; i++) dx[i] = x[i] >= low && x[i] <= high ? g[i] : 0;
      return dx;
    },
  );
}
