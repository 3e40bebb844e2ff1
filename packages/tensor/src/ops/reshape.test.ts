import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { rand } from '../test-utils/oracle.js';
import { reshape } from './reshape.js';

describe('reshape', () => {
  it('keeps C order and infers one -1 axis', () => {
    const x = rand([2, 3, 4]);
    const y = reshape(x, [4, -1]);
    expect(y.shape).toEqual([4, 6]);
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
    expect(reshape(rand([1]), []).shape).toEqual([]);
  });
  it('has finite-difference gradients', () => {
    gradcheck((x) => reshape(x, [3, 2, 2]), [rand([2, 6])]);
  });
  it('names both shapes on a size mismatch', () => {
    expect(() => reshape(rand([2, 3]), [4, 2])).toThrow('TENSOR_SHAPE_MISMATCH: cannot reshape [2, 3] to [4, 2]');
    expect(() => reshape(rand([2, 3]), [-1, -1])).toThrow('TENSOR_INVALID_SHAPE');
  });
});
