import { expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { expectClose, tf, toTf } from '../test-utils/oracle.js';
import { oneHot } from './one-hot.js';

it('oneHot encodes float32 or int32 class indices and rejects out-of-range ones', () => {
  expect(oneHot(tensor([2, 0]), 3).toArray()).toEqual([
    [0, 0, 1],
    [1, 0, 0],
  ]);
  expect(oneHot(tensor([[1]]), 2).shape).toEqual([1, 1, 2]);
  const labels = tensor(
    [
      [3, 0, 1],
      [2, 2, 0],
    ],
    undefined,
    { dtype: 'int32' },
  );
  expectClose(oneHot(labels, 4), tf.oneHot(toTf(labels) as tf.Tensor2D, 4));
  expect(oneHot(tensor(new Int32Array(0)), 3).shape).toEqual([0, 3]);
  expect(() => oneHot(tensor([3]), 3)).toThrow('TENSOR_INVALID_ARGUMENT');
  expect(() => oneHot(tensor([0.5]), 3)).toThrow('TENSOR_INVALID_ARGUMENT');
});
