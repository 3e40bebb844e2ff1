import { TensorError } from '../errors.js';
import { formatShape, normalizeAxis } from '../shape.js';
import type { DType, Tensor } from '../tensor.js';
import { slice, type SliceRange } from './slice.js';

/**
 * Splits along `axis` into `parts` equal pieces, or into pieces of the given sizes (one may be
 * −1, inferred), as tf.split. The pieces are views (slices). Composite.
 */
export function split<D extends DType = 'float32'>(
  x: Tensor<D>,
  parts: number | readonly number[],
  axis = 0,
): Tensor<D>[] {
  if (x.ndim === 0) throw new TensorError('TENSOR_INVALID_SHAPE', 'split needs rank ≥ 1');
  const ax = normalizeAxis(axis, x.ndim);
  const n = x.shape[ax];
  let sizes: number[];
  if (typeof parts === 'number') {
    if (!Number.isInteger(parts) || parts < 1 || n % parts !== 0) {
      throw new TensorError(
        'TENSOR_INVALID_ARGUMENT',
        `cannot split axis ${ax} of ${formatShape(x.shape)} into ${parts} equal parts`,
      );
    }
    sizes = new Array<number>(parts).fill(n / parts);
  } else {
    sizes = [...parts];
    const unknown = sizes.indexOf(-1);
    if (unknown !== -1 && sizes.indexOf(-1, unknown + 1) === -1)
      sizes[unknown] = n - sizes.reduce((s, d, i) => (i === unknown ? s : s + d), 0);
    if (sizes.some((d) => !Number.isInteger(d) || d < 0) || sizes.reduce((s, d) => s + d, 0) !== n) {
      throw new TensorError(
        'TENSOR_INVALID_ARGUMENT',
        `sizes [${parts.join(', ')}] do not split axis ${ax} of ${formatShape(x.shape)}`,
      );
    }
  }
  let start = 0;
  return sizes.map((size) => {
    const spec: SliceRange[] = x.shape.map(() => ({}));
    spec[ax] = { start, stop: start + size };
    start += size;
    return slice(x, spec);
  });
}
