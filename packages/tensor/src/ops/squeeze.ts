import { TensorError } from '../errors.js';
import { formatShape, normalizeAxes } from '../shape.js';
import type { DType, Tensor } from '../tensor.js';
import { reshape } from './reshape.js';

/** Removes size-1 axes: all of them, or those in `axis` (which must have size 1). A view. */
export function squeeze<D extends DType = 'float32'>(x: Tensor<D>, axis?: number | readonly number[]): Tensor<D> {
  const axes = axis === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes(axis, x.ndim);
  for (const ax of axes) {
    if (x.shape[ax] !== 1)
      throw new TensorError(
        'TENSOR_INVALID_AXIS',
        `cannot squeeze axis ${ax} of size ${x.shape[ax]} in ${formatShape(x.shape)}`,
      );
  }
  return reshape(
    x,
    x.shape.filter((_, i) => !axes.includes(i)),
  );
}
