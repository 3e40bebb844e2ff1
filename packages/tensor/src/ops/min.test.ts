import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { min } from './min.js';
import { REDUCTIONS } from './sum.test.js';

describe('min', () => {
  it.each(REDUCTIONS)('matches TF.js for %j over %j keepDims=%s', (shape, axis, keepDims) => {
    const x = rand(shape);
    expectClose(min(x, axis, keepDims), tf.min(toTf(x), axis, keepDims));
  });
  it.each(REDUCTIONS)('has finite-difference gradients for %j over %j', (shape, axis, keepDims) => {
    gradcheck((x) => min(x, axis, keepDims), [rand(shape, 2)]);
  });
  it('reduces a size-0 axis to +Infinity (the identity, as TF; TF.js gives NaN) and keeps other empty shapes', () => {
    expect(min(rand([2, 0]), 1).toArray()).toEqual([Infinity, Infinity]);
    expect(min(rand([0, 3]), 1).shape).toEqual([0]);
  });
  it('splits the gradient between tied minima', () => {
    const x = tensor(
      [
        [1, 4, 1],
        [2, 3, 5],
      ],
      undefined,
      true,
    );
    min(x, 1).backward(tensor([1, 2]));
    expect(x.grad?.toArray()).toEqual([
      [0.5, 0, 0.5],
      [2, 0, 0],
    ]);
  });
});
