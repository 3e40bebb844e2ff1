import { TensorError } from '../errors.js';
import { formatShape, normalizeAxis, sizeOf } from '../shape.js';
import { Tensor, type DType, type DataOf } from '../tensor.js';
import { contiguousAny, recordAny } from './util.js';

/** Indices as a flat list plus their shape: an int32 (or integer-valued float32) tensor, or a plain list. */
export type Indices = Tensor<DType> | ArrayLike<number>;

function readIndices(indices: Indices): [ArrayLike<number>, readonly number[]] {
  if (indices instanceof Tensor) return [contiguousAny(indices), indices.shape];
  return [indices, [indices.length]];
}

/**
 * Takes `indices` along `axis`, as tf.gather: output shape is
 * x.shape[:axis] + indices.shape + x.shape[axis+1:]. `gather(x, perm)` picks a shuffled batch.
 * The gradient scatter-adds (repeated indices accumulate).
 */
export function gather<D extends DType = 'float32'>(x: Tensor<D>, indices: Indices, axis = 0): Tensor<D> {
  if (x.ndim === 0) throw new TensorError('TENSOR_INVALID_SHAPE', 'gather needs rank ≥ 1');
  const ax = normalizeAxis(axis, x.ndim);
  const [idx, idxShape] = readIndices(indices);
  const n = x.shape[ax];
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i];
    if (!Number.isInteger(r)) throw new TensorError('TENSOR_INVALID_ARGUMENT', `gather index ${r} is not an integer`);
    if (r < 0 || r >= n)
      throw new TensorError(
        'TENSOR_INDEX_OUT_OF_RANGE',
        `gather index ${r} is out of range [0, ${n}) for axis ${ax} of ${formatShape(x.shape)}`,
      );
  }
  const outer = sizeOf(x.shape.slice(0, ax));
  const inner = sizeOf(x.shape.slice(ax + 1));
  const k = idx.length;
  const src = contiguousAny(x);
  const out = new (src.constructor as new (size: number) => DataOf<D>)(outer * k * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const from = (o * n + idx[j]) * inner;
      out.set(src.subarray(from, from + inner), (o * k + j) * inner);
    }
  }
  const result = new Tensor<D>(out, [...x.shape.slice(0, ax), ...idxShape, ...x.shape.slice(ax + 1)]);
  return recordAny(result, 'gather', [x], (g) => {
    const dx = new Float32Array(x.size);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < k; j++) {
        const to = (o * n + idx[j]) * inner;
        const from = (o * k + j) * inner;
        for (let t = 0; t < inner; t++) dx[to + t] += g[from + t];
      }
    }
    return [dx];
  });
}
