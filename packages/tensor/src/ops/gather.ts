import { record } from '../autograd/engine.js';
import { TensorError } from '../errors.js';
import { Tensor } from '../tensor.js';

/** Rows `indices` of `x` along axis 0: [n, ...] → [indices.length, ...]. Gradient scatter-adds. */
export function gather(x: Tensor, indices: ArrayLike<number>): Tensor {
  if (x.ndim === 0) throw new TensorError('TENSOR_INVALID_SHAPE', 'gather needs rank ≥ 1');
  const rows = x.shape[0];
  const row = rows === 0 ? 0 : x.size / rows;
  const out = new Float32Array(indices.length * row);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (!Number.isInteger(r) || r < 0 || r >= rows) {
      throw new TensorError('TENSOR_INVALID_ARGUMENT', `gather index ${r} is out of range [0, ${rows})`);
    }
    out.set(x.data.subarray(r * row, (r + 1) * row), i * row);
  }
  const result = new Tensor(out, [indices.length, ...x.shape.slice(1)]);
  return record(result, 'gather', [x], (g) => {
    const dx = new Float32Array(x.size);
    for (let i = 0; i < indices.length; i++) {
      const base = indices[i] * row;
      for (let j = 0; j < row; j++) dx[base + j] += g[i * row + j];
    }
    return [dx];
  });
}
