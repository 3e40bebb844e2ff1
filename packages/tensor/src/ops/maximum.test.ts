import { expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { describeBinaryOp, tf } from '../test-utils/oracle.js';
import { maximum } from './maximum.js';

describeBinaryOp('maximum', { ours: maximum, theirs: tf.maximum });

it('maximum sends the gradient of a tie to the first operand', () => {
  const a = tensor([1, 2], undefined, true);
  const b = tensor([1, 3], undefined, true);
  maximum(a, b).backward(tensor([1, 1]));
  expect(a.grad?.toArray()).toEqual([1, 0]);
  expect(b.grad?.toArray()).toEqual([0, 1]);
});
