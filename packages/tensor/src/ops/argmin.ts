import { TensorError } from '../errors.js';
import { formatShape, normalizeAxis } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousData } from './util.js';

/** Index of the first minimum along `axis` (default last, as `argmax`), as float32 values. Not differentiable. */
export function argmin(x: Tensor, axis = -1, keepDims = false): Tensor {
  const ax = normalizeAxis(axis, x.ndim);
  const src = contiguousData(x);
  const n = x.shape[ax];
  let outer = 1;
  for (let i = 0; i < ax; i++) outer *= x.shape[i];
  let inner = 1;
  for (let i = ax + 1; i < x.ndim; i++) inner *= x.shape[i];
  const shape = keepDims ? x.shape.map((d, i) => (i === ax ? 1 : d)) : x.shape.filter((_, i) => i !== ax);
  if (n === 0 && outer * inner > 0) {
    throw new TensorError('TENSOR_INVALID_ARGUMENT', `argmin over an empty axis ${ax} of ${formatShape(x.shape)}`);
  }
  const out = new Float32Array(outer * inner);
  const bestVal = new Float32Array(inner);
  // Walk each slab row by row so that the inner loop reads contiguous memory whatever the axis.
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    const dst = o * inner;
    bestVal.set(src.subarray(base, base + inner));
    for (let i = 1; i < n; i++) {
      const row = base + i * inner;
      for (let j = 0; j < inner; j++) {
        if (src[row + j] < bestVal[j]) {
          bestVal[j] = src[row + j];
          out[dst + j] = i;
        }
      }
    }
  }
  return new Tensor(out, shape);
}
