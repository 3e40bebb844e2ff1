import { TensorError } from '../errors.js';
import type { DType, Tensor } from '../tensor.js';
import { broadcastTo } from './broadcast-to.js';
import { reshape } from './reshape.js';

/**
 * Repeats `x` `reps[i]` times along axis i, as np.tile: tile([1, 2], [2]) → [1, 2, 1, 2]. Fewer reps
 * than axes are padded with leading 1s; more reps add leading axes. Composite: a broadcast view
 * of x with an interleaved size-1 axis per axis, then one reshape (which copies).
 */
export function tile<D extends DType = 'float32'>(x: Tensor<D>, reps: readonly number[]): Tensor<D> {
  if (!reps.every((r) => Number.isSafeInteger(r) && r >= 0))
    throw new TensorError('TENSOR_INVALID_ARGUMENT', `tile reps [${reps.join(', ')}] must be non-negative integers`);
  const rank = Math.max(x.ndim, reps.length);
  const shape = [...new Array<number>(rank - x.ndim).fill(1), ...x.shape];
  const r = [...new Array<number>(rank - reps.length).fill(1), ...reps];
  const interleaved = reshape(
    x,
    shape.flatMap((d) => [1, d]),
  );
  const stretched = broadcastTo(
    interleaved,
    shape.flatMap((d, i) => [r[i], d]),
  );
  return reshape(
    stretched,
    shape.map((d, i) => d * r[i]),
  );
}
