import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { arange, tensor } from '../creation.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { mul } from './mul.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';
import { sum } from './sum.js';
import { transpose } from './transpose.js';

describe('reshape', () => {
  it.each([
    [
      [2, 3, 4],
      [4, -1],
    ],
    [[1], []],
    [[], [1, 1]],
    [[6], [3, 2]],
    [
      [0, 3],
      [3, -1],
    ],
    [[2, 0], [0]],
  ] as const)('matches TF.js for %j → %j', (from, to) => {
    const x = rand([...from]);
    expectClose(reshape(x, [...to]), tf.reshape(toTf(x), [...to]));
  });
  it('is a view sharing the buffer of a contiguous tensor', () => {
    const x = rand([2, 3, 4]);
    const y = reshape(x, [4, -1]);
    expect(y.shape).toEqual([4, 6]);
    expect(y.data).toBe(x.data);
    x.data[7] = 42;
    expect((y.toArray() as number[][])[1][1]).toBe(42);
  });
  it('stays a view of a transposed tensor when only size-1 axes or adjacent axes change', () => {
    const t = transpose(rand([2, 3, 4]), [1, 0, 2]); // [3, 2, 4]; the last axis stays contiguous
    const v = reshape(t, [3, 2, 2, 2]);
    expect(v.data).toBe(t.data);
    expectClose(v, tf.reshape(toTf(t), [3, 2, 2, 2]));
    const c = reshape(t, [6, 4]); // merging axes 0 and 1 needs a copy
    expect(c.data).not.toBe(t.data);
    expect(c.isContiguous).toBe(true);
    expectClose(c, tf.reshape(toTf(t), [6, 4]));
    expectClose(reshape(slice(arange(12), '::2'), [2, 3]), { shape: [2, 3], data: [0, 2, 4, 6, 8, 10] });
  });
  it('has finite-difference gradients, also through views', () => {
    gradcheck((x) => reshape(x, [3, 2, 2]), [rand([2, 6])]);
    gradcheck((x) => reshape(transpose(x), [-1]), [rand([2, 3])]);
  });
  it('sends gradients through a view of a view back to the base', () => {
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      undefined,
      true,
    );
    const w = tensor([10, 20, 30, 40, 50, 60]);
    sum(mul(reshape(transpose(x), [6]), w)).backward(); // transpose order: 1 4 2 5 3 6
    expect(x.grad?.toArray()).toEqual([
      [10, 30, 50],
      [20, 40, 60],
    ]);
  });
  it('names both shapes on a size mismatch', () => {
    expect(() => reshape(rand([2, 3]), [4, 2])).toThrow('TENSOR_SHAPE_MISMATCH: cannot reshape [2, 3] to [4, 2]');
    expect(() => reshape(rand([2, 3]), [-1, -1])).toThrow('TENSOR_INVALID_SHAPE');
  });
});
