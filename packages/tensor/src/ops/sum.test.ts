import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { sum } from './sum.js';

// [shape, axis, keepDims]
export const REDUCTIONS: [number[], number | number[] | undefined, boolean][] = [
  [[], undefined, false],
  [[5], 0, false],
  [[3, 4], undefined, false],
  [[3, 4], 0, true],
  [[3, 4], -1, false],
  [[2, 3, 4], [0, 2], false],
  [[2, 3, 4], [1], true],
  [[2, 3, 4], [0, 1, 2], true],
];

describe('sum', () => {
  it.each(REDUCTIONS)('matches TF.js for %j over %j keepDims=%s', (shape, axis, keepDims) => {
    const x = rand(shape);
    expectClose(sum(x, axis, keepDims), tf.sum(toTf(x), axis, keepDims));
  });
  it.each(REDUCTIONS)('has finite-difference gradients for %j over %j', (shape, axis, keepDims) => {
    gradcheck((x) => sum(x, axis, keepDims), [rand(shape, 2)]);
  });
  it('rejects an axis out of range', () => {
    expect(() => sum(rand([2, 3]), 2)).toThrow('TENSOR_INVALID_AXIS: axis 2 is out of range for rank 2');
  });
});
