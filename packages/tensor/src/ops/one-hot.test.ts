import { expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { oneHot } from './one-hot.js';

it('oneHot encodes class indices and rejects out-of-range ones', () => {
  expect(oneHot(tensor([2, 0]), 3).toArray()).toEqual([[0, 0, 1], [1, 0, 0]]);
  expect(oneHot(tensor([[1]]), 2).shape).toEqual([1, 1, 2]);
  expect(() => oneHot(tensor([3]), 3)).toThrow('TENSOR_INVALID_ARGUMENT');
  expect(() => oneHot(tensor([0.5]), 3)).toThrow('TENSOR_INVALID_ARGUMENT');
});
