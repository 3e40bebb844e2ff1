import { TensorError } from '../errors.js';
import { reshapeStrides } from '../layout.js';
import { formatShape, sizeOf, type Shape } from '../shape.js';
import { Tensor, type DType } from '../tensor.js';
import { contiguousAny, recordAny } from './util.js';

/** Resolves one −1 entry of a target shape against `size` elements. */
export function resolveShape(shape: Shape, size: number, from: Shape): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (unknown !== -1 && out.indexOf(-1, unknown + 1) !== -1) {
    throw new TensorError('TENSOR_INVALID_SHAPE', `only one -1 is allowed in ${formatShape(shape)}`);
  }
  if (unknown !== -1) {
    const known = sizeOf(out.filter((_, i) => i !== unknown));
    if (known === 0 || size % known !== 0) {
      throw new TensorError('TENSOR_SHAPE_MISMATCH', `cannot reshape ${formatShape(from)} to ${formatShape(shape)}`);
    }
    out[unknown] = size / known;
  }
  if (out.some((d) => !Number.isSafeInteger(d) || d < 0) || sizeOf(out) !== size) {
    throw new TensorError('TENSOR_SHAPE_MISMATCH', `cannot reshape ${formatShape(from)} to ${formatShape(shape)}`);
  }
  return out;
}

/**
 * Same values in a new shape; one axis may be −1. A view sharing `x`'s buffer whenever the
 * layout allows (always for contiguous tensors), otherwise a row-major copy.
 */
export function reshape<D extends DType = 'float32'>(x: Tensor<D>, shape: Shape): Tensor<D> {
  const target = resolveShape(shape, x.size, x.shape);
  let out: Tensor<D>;
  if (x._packed) out = new Tensor<D>(x.data, target);
  else {
    const strides = reshapeStrides(x.shape, x.strides, target);
    out = strides
      ? new Tensor<D>(x.data, target, false, { strides, offset: x.offset })
      : new Tensor<D>(contiguousAny(x), target);
  }
  // The gradient is already laid out row-major, and row-major order is what reshape keeps.
  return recordAny(out, 'reshape', [x], (g) => [g]);
}
