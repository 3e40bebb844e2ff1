import { TensorError } from '../errors.js';
import { formatShape, normalizeAxis, sizeOf } from '../shape.js';
import { Tensor, type DType, type DataOf } from '../tensor.js';
import { contiguousAny, recordAny } from './util.js';

/** Checks that `xs` agree on dtype, rank and every axis but `axis`; returns the resolved axis. */
export function checkJoin(name: string, xs: readonly Tensor<DType>[], axis: number, sameShape: boolean): number {
  if (xs.length === 0) throw new TensorError('TENSOR_INVALID_ARGUMENT', `${name} needs at least one tensor`);
  const first = xs[0];
  if (!sameShape && first.ndim === 0)
    throw new TensorError('TENSOR_INVALID_SHAPE', `${name} cannot join rank-0 tensors; stack them instead`);
  const ax = sameShape ? axis : normalizeAxis(axis, first.ndim);
  for (const x of xs) {
    if (x.dtype !== first.dtype) {
      throw new TensorError(
        'TENSOR_DTYPE_MISMATCH',
        `${name} cannot join ${first.dtype} ${formatShape(first.shape)} with ${x.dtype} ${formatShape(x.shape)}`,
      );
    }
    const ok = x.ndim === first.ndim && x.shape.every((d, i) => d === first.shape[i] || (!sameShape && i === ax));
    if (!ok)
      throw new TensorError(
        'TENSOR_SHAPE_MISMATCH',
        `${name} cannot join ${formatShape(first.shape)} with ${formatShape(x.shape)}`,
      );
  }
  return ax;
}

/** Joins tensors along an existing axis (all other axes must match), as tf.concat. */
export function concat<D extends DType = 'float32'>(xs: readonly Tensor<D>[], axis = 0): Tensor<D> {
  const ax = checkJoin('concat', xs, axis, false);
  const first = xs[0];
  const outer = sizeOf(first.shape.slice(0, ax));
  const inner = sizeOf(first.shape.slice(ax + 1));
  const total = xs.reduce((n, x) => n + x.shape[ax], 0);
  const shape = first.shape.map((d, i) => (i === ax ? total : d));
  const out = new (first.data.constructor as new (n: number) => DataOf<D>)(outer * total * inner);
  // Each input contributes one block of shape[ax]·inner values per outer index.
  const rowOut = total * inner;
  let at = 0;
  for (const x of xs) {
    const src = contiguousAny(x);
    const block = x.shape[ax] * inner;
    for (let o = 0; o < outer; o++) out.set(src.subarray(o * block, (o + 1) * block), o * rowOut + at);
    at += block;
  }
  const result = new Tensor<D>(out, shape);
  return recordAny(result, 'concat', xs, (g) => {
    let start = 0;
    return xs.map((x) => {
      const block = x.shape[ax] * inner;
      const from = start;
      start += block;
      if (!x.requiresGrad) return null;
      const dx = new Float32Array(outer * block);
      for (let o = 0; o < outer; o++) dx.set(g.subarray(o * rowOut + from, o * rowOut + from + block), o * block);
      return dx;
    });
  });
}
