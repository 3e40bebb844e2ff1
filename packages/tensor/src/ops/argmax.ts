import { normalizeAxis, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousData } from './util.js';

/** Index of the first maximum along `axis` (as float32 values). Not differentiable. */
export function argmax(x: Tensor, axis = -1): Tensor {
  const ax = normalizeAxis(axis, x.ndim);
  const n = x.shape[ax];
  let outer = 1;
  for (let i = 0; i < ax; i++) outer *= x.shape[i];
  // Row-major strides of the packed copy, not x.strides (x may be a view).
  const inner = stridesOf(x.shape)[ax];
  const src = contiguousData(x);
  const out = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * n * inner + j;
      let best = 0;
      let bestVal = src[base];
      for (let i = 1; i < n; i++) {
        const v = src[base + i * inner];
        if (v > bestVal) {
          bestVal = v;
          best = i;
        }
      }
      out[o * inner + j] = best;
    }
  }
  return new Tensor(
    out,
    x.shape.filter((_, i) => i !== ax),
  );
}
