import { TensorError } from '../errors.js';
import { Tensor, type DType } from '../tensor.js';
import { contiguousAny } from './util.js';

/** One-hot encodes integer indices (int32, or integer-valued float32): shape [...] → [..., depth]. Not differentiable. */
export function oneHot(indices: Tensor<DType>, depth: number): Tensor {
  if (!Number.isSafeInteger(depth) || depth < 0)
    throw new TensorError('TENSOR_INVALID_ARGUMENT', `oneHot depth ${depth} is not a non-negative integer`);
  const idx = contiguousAny(indices);
  const out = new Float32Array(indices.size * depth);
  for (let i = 0; i < idx.length; i++) {
    const c = idx[i];
    if (!Number.isInteger(c) || c < 0 || c >= depth) {
      throw new TensorError(
        'TENSOR_INVALID_ARGUMENT',
        `oneHot index ${c} at position ${i} is not an integer in [0, ${depth})`,
      );
    }
    out[i * depth + c] = 1;
  }
  return new Tensor(out, [...indices.shape, depth]);
}
