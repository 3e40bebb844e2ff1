import { TensorError } from '../errors.js';
import { Tensor } from '../tensor.js';

/** One-hot encodes integer-valued indices: shape [...] → [..., depth]. Not differentiable. */
export function oneHot(indices: Tensor, depth: number): Tensor {
  const out = new Float32Array(indices.size * depth);
  for (let i = 0; i < indices.size; i++) {
    const c = indices.data[i];
    if (!Number.isInteger(c) || c < 0 || c >= depth) {
      throw new TensorError('TENSOR_INVALID_ARGUMENT', `oneHot index ${c} at position ${i} is not an integer in [0, ${depth})`);
    }
    out[i * depth + c] = 1;
  }
  return new Tensor(out, [...indices.shape, depth]);
}
