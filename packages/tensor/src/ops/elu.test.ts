import { expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { describeEmptyUnary, expectGradsMatchTf } from '../test-utils/edge-cases.js';
import { describeUnaryOp, expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { elu } from './elu.js';

describeUnaryOp('elu', { ours: (x) => elu(x), theirs: tf.elu });
describeEmptyUnary('elu', (x) => elu(x), tf.elu);

it('elu with alpha 0.5 matches alpha·(eˣ − 1) below 0 and has matching gradients', () => {
  const x = rand([3, 4], 7, -3, 3);
  const neg = tf.mul(0.5, tf.sub(tf.exp(toTf(x)), 1));
  expectClose(elu(x, 0.5), tf.where(tf.greater(toTf(x), 0), toTf(x), neg));
  expect(gradcheck((t) => elu(t, 0.5), [x])).toBeLessThan(2e-3);
});

it('elu gradients match tf.grad', () => expectGradsMatchTf((x) => elu(x), tf.elu, [rand([3, 4], 8, -3, 3)]));
