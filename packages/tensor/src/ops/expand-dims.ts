import { TensorError } from '../errors.js';
import { formatShape } from '../shape.js';
import type { DType, Tensor } from '../tensor.js';
import { reshape } from './reshape.js';

/** Resolves an insertion axis in [−(rank+1), rank] (as tf.expandDims and np.expand_dims). */
export function insertionAxis(axis: number, ndim: number, shape: readonly number[]): number {
  if (!Number.isInteger(axis) || axis < -(ndim + 1) || axis > ndim) {
    throw new TensorError(
      'TENSOR_INVALID_AXIS',
      `axis ${axis} is out of range for inserting into ${formatShape(shape)}`,
    );
  }
  return axis < 0 ? axis + ndim + 1 : axis;
}

/** Inserts a size-1 axis at `axis` (negative counts from the end): [2, 3] → [2, 1, 3] for axis 1. A view. */
export function expandDims<D extends DType = 'float32'>(x: Tensor<D>, axis = 0): Tensor<D> {
  const ax = insertionAxis(axis, x.ndim, x.shape);
  return reshape(x, [...x.shape.slice(0, ax), 1, ...x.shape.slice(ax)]);
}
