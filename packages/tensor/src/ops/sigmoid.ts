import type { Tensor } from '../tensor.js';
import { unaryOp, type TensorLike } from './util.js';

// Two branches so exp never overflows.
function sigmoidValue(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** 1 / (1 + e⁻ˣ), computed stably. */
export function sigmoid(x: TensorLike): Tensor {
  return unaryOp('sigmoid', x, sigmoidValue, (g, _x, y) => {
    const dx = new Float32Array(g.length);
    for (let i = 0; i < g.length; i++) dx[i] = g[i] * y[i] * (1 - y[i]);
    return dx;
  });
}
