import { expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { describeEmptyBinary, expectGradsMatchTf } from '../test-utils/edge-cases.js';
import { describeBinaryOp, tf } from '../test-utils/oracle.js';
import { minimum } from './minimum.js';

describeBinaryOp('minimum', { ours: minimum, theirs: tf.minimum });
describeEmptyBinary('minimum', minimum, tf.minimum);

it('minimum gives a tie to the first operand', () => {
  const a = tensor([1, 2, 3], undefined, true);
  const b = tensor([1, 5, 0], undefined, true);
  minimum(a, b).backward(tensor([1, 1, 1]));
  expect(a.grad?.toArray()).toEqual([1, 1, 0]);
  expect(b.grad?.toArray()).toEqual([0, 0, 1]);
});

// Same shapes: TF.js 4.22's Minimum gradient does not sum over broadcast axes (it throws).
it('minimum gradients match tf.grad, ties included', () =>
  expectGradsMatchTf(minimum, tf.minimum, [
    tensor([
      [1, 2, 3],
      [0, 5, 1],
    ]),
    tensor([
      [1, 5, 0],
      [0, 2, 2],
    ]),
  ]));
