import { record } from '../autograd/engine.js';
import { TensorError } from '../errors.js';
import { formatShape, sizeOf, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';

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

/** Same values in a new shape (no copy); one axis may be −1. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const target = resolveShape(shape, x.size, x.shape);
  const out = new Tensor(x.data, target);
  return record(out, 'reshape', [x], (g) => [g]);
}
