import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { arange } from '../creation.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { concat } from './concat.js';
import { split } from './split.js';

describe('split', () => {
  it.each([
    [[6], 3, 0],
    [[4, 6], 2, 1],
    [[4, 6], [1, 2, 3], -1],
    [[5, 2], [2, -1], 0],
    [[3, 4], [0, 3], 0],
    [[0, 4], 2, 1],
  ] as const)('matches TF.js for %j into %j on axis %d', (shape, parts, axis) => {
    const x = rand([...shape]);
    const ours = split(x, typeof parts === 'number' ? parts : [...parts], axis);
    const theirs = tf.split(toTf(x), typeof parts === 'number' ? parts : [...parts], axis);
    expect(ours.length).toBe(theirs.length);
    ours.forEach((p, i) => expectClose(p, theirs[i]));
  });
  it('returns views that concat reassembles', () => {
    const x = arange(12);
    const parts = split(x, 3);
    expect(parts.every((p) => p.data === x.data)).toBe(true);
    expect(concat(parts).toArray()).toEqual(x.toArray());
  });
  it('has finite-difference gradients through each piece', () => {
    gradcheck((x) => concat(split(x, [2, 1], 1).reverse(), 1), [rand([2, 3])]);
  });
  it('rejects sizes that do not add up', () => {
    expect(() => split(rand([5]), 2)).toThrow('TENSOR_INVALID_ARGUMENT: cannot split axis 0 of [5] into 2 equal parts');
    expect(() => split(rand([5]), [2, 2])).toThrow('TENSOR_INVALID_ARGUMENT');
    expect(() => split(rand([5]), [-1, -1])).toThrow('TENSOR_INVALID_ARGUMENT');
    expect(() => split(rand([5]), 1, 1)).toThrow('TENSOR_INVALID_AXIS');
  });
});
