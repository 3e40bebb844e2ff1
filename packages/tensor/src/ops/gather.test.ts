import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { arange, tensor } from '../creation.js';
import { Rng } from '../random.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { gather } from './gather.js';
import { transpose } from './transpose.js';

describe('gather', () => {
  it.each([
    [[4, 2, 3], [3, 0, 3], 0],
    [[4, 2, 3], [1], 1],
    [[4, 2, 3], [2, 2, 0, 1], -1],
    [[5], [], 0],
    [[0, 3], [], 0],
  ] as const)('matches TF.js for %j taking %j on axis %d', (shape, idx, axis) => {
    const x = rand([...shape]);
    expectClose(gather(x, [...idx], axis), tf.gather(toTf(x), tf.tensor1d([...idx], 'int32'), axis));
  });
  it('takes int32 index tensors of any rank (output shape follows the indices)', () => {
    const x = rand([3, 4]);
    const idx = tensor(
      [
        [2, 0],
        [1, 1],
      ],
      undefined,
      { dtype: 'int32' },
    );
    const out = gather(x, idx, 1);
    expect(out.shape).toEqual([3, 2, 2]);
    expectClose(out, tf.gather(toTf(x), toTf(idx), 1));
    expectClose(gather(x, tensor(new Int32Array([2])), 0), tf.gather(toTf(x), [2], 0));
    const picked = gather(x, tensor(1, undefined, { dtype: 'int32' }), 1); // a rank-0 index drops the axis
    expectClose(picked, tf.gather(toTf(x), tf.scalar(1, 'int32'), 1));
    expect(picked.shape).toEqual([3]);
  });
  it('selects a shuffled batch from a view and from int32 labels', () => {
    const perm = new Rng(4).shuffle(new Int32Array([0, 1, 2, 3, 4, 5]));
    const labels = tensor(new Int32Array([10, 11, 12, 13, 14, 15]));
    expect(gather(labels, perm).toArray()).toEqual(Array.from(perm, (i) => 10 + i));
    const x = transpose(arange(6));
    expect(gather(x, [5, 0]).toArray()).toEqual([5, 0]);
  });
  it('has finite-difference gradients (repeated rows accumulate)', () => {
    gradcheck((x) => gather(x, [1, 1, 0]), [rand([3, 2])]);
    gradcheck((x) => gather(x, [2, 0, 2], 1), [rand([2, 3, 2])]);
  });
  it('rejects out-of-range and non-integer indices', () => {
    expect(() => gather(tensor([[1], [2]]), [2])).toThrow(
      'TENSOR_INDEX_OUT_OF_RANGE: gather index 2 is out of range [0, 2) for axis 0 of [2, 1]',
    );
    expect(() => gather(tensor([1, 2]), [0.5])).toThrow('TENSOR_INVALID_ARGUMENT');
    expect(() => gather(tensor(1), [0])).toThrow('TENSOR_INVALID_SHAPE');
  });
});
