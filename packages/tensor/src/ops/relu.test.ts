import { expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { describeUnaryOp, tf } from '../test-utils/oracle.js';
import { relu } from './relu.js';

describeUnaryOp('relu', { ours: relu, theirs: tf.relu });

it('relu has zero gradient at 0 and below', () => {
  const x = tensor([-1, 0, 2], undefined, true);
  relu(x).backward(tensor([1, 1, 1]));
  expect(x.grad?.toArray()).toEqual([0, 0, 1]);
});
