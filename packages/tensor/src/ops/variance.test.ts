import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { REDUCTIONS } from './sum.test.js';
import { variance } from './variance.js';

describe('variance', () => {
  it.each(REDUCTIONS)('matches tf.moments for %j over %j keepDims=%s', (shape, axis, keepDims) => {
    const x = rand(shape, 1, -2, 3);
    expectClose(variance(x, axis, keepDims), tf.moments(toTf(x), axis, keepDims).variance);
  });
  it.each(REDUCTIONS)('has finite-difference gradients for %j over %j', (shape, axis, keepDims) => {
    gradcheck((x) => variance(x, axis, keepDims), [rand(shape, 2)]);
  });
  it('divides by n and survives a large common offset', () => {
    expect(variance(tensor([1, 2, 3, 4])).item()).toBeCloseTo(1.25, 6);
    // E[x²] − E[x]² would return garbage here in float32.
    expect(variance(tensor([10000, 10001, 10002, 10003])).item()).toBeCloseTo(1.25, 3);
  });
  it('has the analytic gradient 2(x − mean)/n', () => {
    const x = tensor([1, 2, 6], undefined, true);
    variance(x).backward();
    expectClose(x.grad!, { shape: [3], data: [(2 * -2) / 3, (2 * -1) / 3, (2 * 3) / 3] });
  });
});
