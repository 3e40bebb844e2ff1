import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { gather } from './gather.js';

describe('gather', () => {
  it('matches TF.js and repeats rows', () => {
    const x = rand([4, 2, 3]);
    expectClose(gather(x, [3, 0, 3]), tf.gather(toTf(x), [3, 0, 3]));
  });
  it('has finite-difference gradients (repeated rows accumulate)', () => {
    gradcheck((x) => gather(x, [1, 1, 0]), [rand([3, 2])]);
  });
  it('rejects out-of-range rows', () => {
    expect(() => gather(tensor([[1], [2]]), [2])).toThrow('TENSOR_INVALID_ARGUMENT');
  });
});
