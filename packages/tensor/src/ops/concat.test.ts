import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { concat } from './concat.js';
import { transpose } from './transpose.js';

describe('concat', () => {
  it.each([
    [[[3], [2], [0]], 0],
    [
      [
        [2, 3],
        [4, 3],
      ],
      0,
    ],
    [
      [
        [2, 3],
        [2, 1],
        [2, 0],
      ],
      1,
    ],
    [
      [
        [2, 3, 4],
        [2, 3, 2],
      ],
      -1,
    ],
    [
      [
        [2, 1, 4],
        [2, 3, 4],
      ],
      1,
    ],
    [
      [
        [0, 2],
        [0, 2],
      ],
      1,
    ],
  ] as const)('matches TF.js for %j on axis %d', (shapes, axis) => {
    const xs = shapes.map((s, i) => rand([...s], i + 1));
    expectClose(concat(xs, axis), tf.concat(xs.map(toTf), axis));
  });
  it('reads views and joins int32 tensors', () => {
    const a = transpose(
      tensor([
        [1, 2],
        [3, 4],
      ]),
    );
    expect(concat([a, tensor([[9, 9]])]).toArray()).toEqual([
      [1, 3],
      [2, 4],
      [9, 9],
    ]);
    const ints = concat([tensor(new Int32Array([1])), tensor(new Int32Array([2, 3]))]);
    expect(ints.dtype).toBe('int32');
    expect(ints.toArray()).toEqual([1, 2, 3]);
  });
  it('has finite-difference gradients for every input', () => {
    gradcheck((a, b, c) => concat([a, b, c], 1), [rand([2, 2]), rand([2, 3], 2), rand([2, 1], 3)]);
    gradcheck((a, b) => concat([a, b], 0), [rand([1, 3]), rand([2, 3], 2)]);
  });
  it('names both shapes or dtypes when they disagree', () => {
    expect(() => concat([rand([2, 3]), rand([3, 3])], 1)).toThrow(
      'TENSOR_SHAPE_MISMATCH: concat cannot join [2, 3] with [3, 3]',
    );
    expect(() => concat([rand([2]), rand([2, 1])])).toThrow(
      'TENSOR_SHAPE_MISMATCH: concat cannot join [2] with [2, 1]',
    );
    expect(() => concat<'float32' | 'int32'>([rand([2]), tensor(new Int32Array([1]))])).toThrow(
      'TENSOR_DTYPE_MISMATCH: concat cannot join float32 [2] with int32 [1]',
    );
    expect(() => concat([rand([2])], 1)).toThrow('TENSOR_INVALID_AXIS');
    expect(() => concat([tensor(1), tensor(2)])).toThrow('TENSOR_INVALID_SHAPE');
    expect(() => concat([])).toThrow('TENSOR_INVALID_ARGUMENT');
  });
});
