import { formatShape, normalizeAxis, sizeOf } from '../shape.js';
import { TensorError } from '../errors.js';
import type { DType, Tensor } from '../tensor.js';
import { reshape } from './reshape.js';

/**
 * Merges axes `startAxis…endAxis` (inclusive, default all) into one, in C order, as
 * torch.flatten: [2, 3, 4] → [24]; `flatten(x, 1)` → [2, 12]. A rank-0 tensor becomes [1].
 */
export function flatten<D extends DType = 'float32'>(x: Tensor<D>, startAxis = 0, endAxis = -1): Tensor<D> {
  if (x.ndim === 0) return reshape(x, [1]);
  const a = normalizeAxis(startAxis, x.ndim);
  const b = normalizeAxis(endAxis, x.ndim);
  if (a > b)
    throw new TensorError(
      'TENSOR_INVALID_AXIS',
      `flatten start axis ${startAxis} is after end axis ${endAxis} for ${formatShape(x.shape)}`,
    );
  return reshape(x, [...x.shape.slice(0, a), sizeOf(x.shape.slice(a, b + 1)), ...x.shape.slice(b + 1)]);
}
