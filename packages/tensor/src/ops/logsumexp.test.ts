import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { logSumExp } from './logsumexp.js';
import { REDUCTIONS } from './sum.test.js';

describe('logSumExp', () => {
  it.each(REDUCTIONS)('matches TF.js for %j over %j keepDims=%s', (shape, axis, keepDims) => {
    const x = rand(shape, 1, -5, 5);
    expectClose(logSumExp(x, axis, keepDims), tf.logSumExp(toTf(x), axis, keepDims));
  });
  it.each(REDUCTIONS)('has finite-difference gradients for %j over %j', (shape, axis, keepDims) => {
    gradcheck((x) => logSumExp(x, axis, keepDims), [rand(shape, 2, -3, 3)]);
  });
  it('matches tf.grad (softmax) along an inner axis', () => {
    const x = tensor(rand([2, 3, 4], 3, -3, 3).data, [2, 3, 4], true);
    logSumExp(x, 1).backward(tensor(rand([2, 4], 4).data, [2, 4]));
    const g = tf.grad((t: tf.Tensor) => tf.mul(tf.logSumExp(t, 1), toTf(rand([2, 4], 4))).sum())(toTf(x));
    expectClose(x.grad!, g);
  });
  it('stays finite for huge inputs and handles −∞ and empty axes', () => {
    expectClose(
      logSumExp(
        tensor([
          [1000, 1000],
          [-1000, -1000],
        ]),
        1,
      ),
      { shape: [2], data: [1000 + Math.LN2, -1000 + Math.LN2] },
    );
    expect(logSumExp(tensor([-Infinity, -Infinity])).item()).toBe(-Infinity);
    expect(logSumExp(rand([2, 0]), 1).toArray()).toEqual([-Infinity, -Infinity]);
  });
});
