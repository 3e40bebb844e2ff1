import { expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { describeUnaryOp, tf } from '../test-utils/oracle.js';
import { clip } from './clip.js';

describeUnaryOp('clip', { ours: (x) => clip(x, -1, 1.5), theirs: (x) => tf.clipByValue(x, -1, 1.5) });

it('clip passes the gradient only inside the bounds (inclusive)', () => {
  const x = tensor([-2, -1, 0.5, 1.5, 3], undefined, true);
  clip(x, -1, 1.5).backward(tensor([1, 1, 1, 1, 1]));
  expect(x.grad?.toArray()).toEqual([0, 1, 1, 1, 0]);
  expect(() => clip(x, 1, 0)).toThrow('TENSOR_INVALID_ARGUMENT');
});
