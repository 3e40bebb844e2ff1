import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { transpose } from './transpose.js';

describe('transpose', () => {
  it.each([[[3, 5], undefined], [[40, 33], [1, 0]], [[2, 3, 4], [2, 0, 1]], [[2, 3, 4, 5], [0, 2, 3, 1]], [[], []]] as const)(
    'matches TF.js for %j perm %j',
    (shape, perm) => {
      const x = rand([...shape]);
      expectClose(transpose(x, perm), tf.transpose(toTf(x), perm ? [...perm] : undefined));
    },
  );
  it('has finite-difference gradients', () => {
    gradcheck((x) => transpose(x), [rand([3, 4])]);
    gradcheck((x) => transpose(x, [1, 2, 0]), [rand([2, 3, 4])]);
  });
  it('rejects an invalid permutation', () => {
    expect(() => transpose(rand([2, 3]), [0, 0])).toThrow('TENSOR_INVALID_AXIS');
  });
});
