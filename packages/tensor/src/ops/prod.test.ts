import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { prod } from './prod.js';
import { REDUCTIONS } from './sum.test.js';

describe('prod', () => {
  it.each(REDUCTIONS)('matches TF.js for %j over %j keepDims=%s', (shape, axis, keepDims) => {
    const x = rand(shape, 1, 0.5, 1.5);
    expectClose(prod(x, axis, keepDims), tf.prod(toTf(x), axis, keepDims));
  });
  it.each(REDUCTIONS)('has finite-difference gradients for %j over %j', (shape, axis, keepDims) => {
    gradcheck((x) => prod(x, axis, keepDims), [rand(shape, 2, 0.5, 1.5)]);
  });
  it('reduces size-0 axes to 1 and keeps other empty shapes', () => {
    expectClose(prod(rand([2, 0]), 1), tf.prod(tf.zeros([2, 0]), 1));
    expect(prod(rand([0, 3]), 1).shape).toEqual([0]);
  });
  it('has exact gradients with one zero and with two zeros in a group', () => {
    const x = tensor(
      [
        [2, 0, 3],
        [0, 5, 0],
        [1, 2, 4],
      ],
      undefined,
      true,
    );
    const y = prod(x, 1);
    expect(y.toArray()).toEqual([0, 0, 8]);
    y.backward(tensor([1, 1, 1]));
    // One zero: only it gets the product of the others. Two zeros: every partial is 0.
    expect(x.grad?.toArray()).toEqual([
      [0, 6, 0],
      [0, 0, 0],
      [8, 4, 2],
    ]);
  });
  it('passes the finite-difference check at a single zero (axis 0, keepDims)', () => {
    gradcheck(
      (t) => prod(t, 0, true),
      [
        tensor([
          [0, 2],
          [3, -1],
          [0.5, 4],
        ]),
      ],
    );
  });
});
