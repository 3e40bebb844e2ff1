import { expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { describeEmptyUnary, expectGradsMatchTf } from '../test-utils/edge-cases.js';
import { describeUnaryOp, expectClose, rand, tf } from '../test-utils/oracle.js';
import { softplus } from './softplus.js';

describeUnaryOp('softplus', { ours: softplus, theirs: tf.softplus, low: -6, high: 6 });
describeEmptyUnary('softplus', softplus, tf.softplus);

it('softplus stays finite and exact-ish at the extremes', () => {
  const y = softplus(tensor([-200, 200, 1e-8]));
  expectClose(y, { shape: [3], data: [Math.exp(-200), 200, Math.log(2)] }, 1e-6);
  expect(Array.from(y.data).every(Number.isFinite)).toBe(true);
});

it('softplus gradients match tf.grad', () => expectGradsMatchTf(softplus, tf.softplus, [rand([3, 4], 8, -6, 6)]));
