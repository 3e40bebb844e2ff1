import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { outer } from './outer.js';

const CASES: [number[], number[]][] = [
  [[3], [4]],
  [[1], [5]],
  [[], [3]],
  [[2, 2], [3]],
  [[0], [3]],
];

describe('outer', () => {
  it.each(CASES)('matches tf.outerProduct of the flattened inputs for %j ⊗ %j', (sx, sy) => {
    const x = rand(sx, 1);
    const y = rand(sy, 2);
    expectClose(
      outer(x, y),
      tf.outerProduct(toTf(x).reshape([-1]) as tf.Tensor1D, toTf(y).reshape([-1]) as tf.Tensor1D),
    );
  });
  it.each(CASES)('has finite-difference gradients for %j ⊗ %j', (sx, sy) => {
    gradcheck(outer, [rand(sx, 3), rand(sy, 4)]);
  });
  it('computes x[i]·y[j] (hand-checked)', () => {
    expect(outer(rand([0]), rand([2])).shape).toEqual([0, 2]);
    const o = outer(tensor([1, 2]), tensor([3, 4, 5]));
    expect(o.toArray()).toEqual([
      [3, 4, 5],
      [6, 8, 10],
    ]);
  });
});
