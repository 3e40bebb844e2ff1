import { TensorError } from '../errors.js';
import { sumToShape } from '../kernels/reduce.js';
import { assertShape, formatShape, type Shape } from '../shape.js';
import { Tensor, type DType } from '../tensor.js';
import { recordAny } from './util.js';

/**
 * Broadcasts `x` to `shape` by NumPy's rules (right-aligned; size-1 axes stretch). Returns a view
 * with stride 0 on the stretched axes, so nothing is copied; the gradient sums over them.
 */
export function broadcastTo<D extends DType = 'float32'>(x: Tensor<D>, shape: Shape): Tensor<D> {
  assertShape(shape);
  const lead = shape.length - x.ndim;
  const fits = lead >= 0 && x.shape.every((d, i) => d === shape[lead + i] || d === 1);
  if (!fits)
    throw new TensorError('TENSOR_SHAPE_MISMATCH', `cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
  const strides = shape.map((d, i) => (i < lead || (x.shape[i - lead] === 1 && d !== 1) ? 0 : x.strides[i - lead]));
  const out = new Tensor<D>(x.data, shape, false, { strides, offset: x.offset });
  return recordAny(out, 'broadcastTo', [x], (g) => [sumToShape(g, shape, x.shape)]);
}
