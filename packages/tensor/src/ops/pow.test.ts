import { expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { describeEmptyBinary, expectGradsMatchTf } from '../test-utils/edge-cases.js';
import { describeBinaryOp, expectClose, rand, tf } from '../test-utils/oracle.js';
import { pow } from './pow.js';

// Positive bases: ln a (the exponent's gradient) is defined there.
describeBinaryOp('pow', { ours: pow, theirs: tf.pow, low: 0.5, high: 2, bLow: -2, bHigh: 2 });
describeEmptyBinary('pow', pow, tf.pow);

it('pow raises negative bases to integer powers and gives the exponent a zero gradient there', () => {
  const a = tensor([-2, -3, 2], undefined, true);
  const b = tensor([3, 2, 0.5], undefined, true);
  const y = pow(a, b);
  expectClose(y, tf.pow(tf.tensor([-2, -3, 2]), tf.tensor([3, 2, 0.5])));
  y.backward(tensor([1, 1, 1]));
  expectClose(a.grad!, { shape: [3], data: [12, -6, 0.5 / Math.SQRT2] });
  expectClose(b.grad!, { shape: [3], data: [0, 0, Math.SQRT2 * Math.log(2)] });
  expect(Array.from(b.grad!.data).every(Number.isFinite)).toBe(true);
});

it('pow gradients match tf.grad with broadcasting', () =>
  expectGradsMatchTf(pow, tf.pow, [rand([2, 3], 8, 0.5, 2), rand([3], 9, -2, 2)]));
