import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { max } from './max.js';
import { REDUCTIONS } from './sum.test.js';

describe('max', () => {
  it.each(REDUCTIONS)('matches TF.js for %j over %j keepDims=%s', (shape, axis, keepDims) => {
    const x = rand(shape);
    expectClose(max(x, axis, keepDims), tf.max(toTf(x), axis, keepDims));
  });
  it.each(REDUCTIONS)('has finite-difference gradients for %j over %j', (shape, axis, keepDims) => {
    gradcheck((x) => max(x, axis, keepDims), [rand(shape, 2)]);
  });
  it('splits the gradient between tied maxima', () => {
    const x = tensor([3, 1, 3], undefined, true);
    max(x).backward();
    expect(x.grad?.toArray()).toEqual([0.5, 0, 0.5]);
  });
});
