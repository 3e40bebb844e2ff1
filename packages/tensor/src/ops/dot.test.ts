import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { einsumFor } from '../test-utils/einsum.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { dot } from './dot.js';

// NumPy dot: contract x's last axis with y's second-to-last (or only) axis.
const CASES: [number[], number[]][] = [
  [[4], [4]],
  [[3, 4], [4]],
  [[4], [4, 5]],
  [
    [3, 4],
    [4, 5],
  ],
  [[2, 3, 4], [4]],
  [
    [2, 3, 4],
    [4, 5],
  ],
  [
    [2, 3, 4],
    [2, 4, 5],
  ],
  [[4], [2, 4, 3]],
];

describe('dot', () => {
  it.each(CASES)('matches TF.js for %j · %j', (sx, sy) => {
    const x = rand(sx, 1);
    const y = rand(sy, 2);
    const yAxis = sy.length === 1 ? 0 : sy.length - 2;
    const expected =
      sx.length <= 2 && sy.length <= 2
        ? tf.dot(toTf(x), toTf(y))
        : tf.einsum(einsumFor(sx.length, sy.length, [sx.length - 1], [yAxis]), toTf(x), toTf(y));
    expectClose(dot(x, y), expected);
  });
  it.each(CASES)('has finite-difference gradients for %j · %j', (sx, sy) => {
    gradcheck(dot, [rand(sx, 3), rand(sy, 4)]);
  });
  it('gives a rank-0 result for two vectors, multiplies by a scalar, and handles size 0', () => {
    const v = dot(rand([5], 1), rand([5], 2));
    expect(v.shape).toEqual([]);
    expect(v.item()).toBeCloseTo(tf.dot(toTf(rand([5], 1)), toTf(rand([5], 2))).dataSync()[0], 5);
    expectClose(dot(rand([], 3), rand([2, 3], 4)), tf.mul(toTf(rand([], 3)), toTf(rand([2, 3], 4))));
    expect(dot(rand([0]), rand([0])).item()).toBe(0);
    expect(dot(rand([0, 4]), rand([4, 3])).shape).toEqual([0, 3]);
  });
  it('names both shapes when the contracted axes differ', () => {
    expect(() => dot(rand([2, 3]), rand([4, 5]))).toThrow(
      'TENSOR_SHAPE_MISMATCH: dot cannot contract [2, 3] with [4, 5]',
    );
    expect(() => dot(rand([3]), rand([4]))).toThrow('TENSOR_SHAPE_MISMATCH: dot cannot contract [3] with [4]');
  });
});
