import { Tensor } from '@trainyard/tensor';
import { NnError } from '../errors.js';

/** A zero-copy view of rows [start, start + size) of a batch-major tensor. */
export function sliceRows(t: Tensor, start: number, size: number): Tensor {
  const row = t.shape[0] === 0 ? 0 : t.size / t.shape[0];
  return new Tensor(t.data.subarray(start * row, (start + size) * row), [size, ...t.shape.slice(1)]);
}

/** Validates a batch size; throws SPEC_INVALID_FIT_CONFIG. */
export function checkBatchSize(bs: number): number {
  if (!Number.isSafeInteger(bs) || bs < 1)
    throw new NnError('SPEC_INVALID_FIT_CONFIG', `batch size must be a positive integer, got ${bs}`, {
      path: '/batch_size',
    });
  return bs;
}
