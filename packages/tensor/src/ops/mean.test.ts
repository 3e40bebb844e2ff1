import { describe, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { mean } from './mean.js';
import { REDUCTIONS } from './sum.test.js';

describe('mean', () => {
  it.each(REDUCTIONS)('matches TF.js for %j over %j keepDims=%s', (shape, axis, keepDims) => {
    const x = rand(shape);
    expectClose(mean(x, axis, keepDims), tf.mean(toTf(x), axis, keepDims));
  });
  it.each(REDUCTIONS)('has finite-difference gradients for %j over %j', (shape, axis, keepDims) => {
    gradcheck((x) => mean(x, axis, keepDims), [rand(shape, 2)]);
  });
});
