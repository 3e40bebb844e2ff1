import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { matmul } from './matmul.js';
import { mul } from './mul.js';
import { sum } from './sum.js';
import { transpose } from './transpose.js';

describe('transpose', () => {
  it.each([
    [[3, 5], undefined],
    [
      [40, 33],
      [1, 0],
    ],
    [
      [2, 3, 4],
      [2, 0, 1],
    ],
    [
      [2, 3, 4, 5],
      [0, 2, 3, 1],
    ],
    [[], []],
    [
      [0, 2],
      [1, 0],
    ],
    [
      [1, 2, 1, 3, 1, 2],
      [5, 3, 1, 4, 0, 2],
    ],
  ] as const)('matches TF.js for %j perm %j', (shape, perm) => {
    const x = rand([...shape]);
    expectClose(transpose(x, perm), tf.transpose(toTf(x), perm ? [...perm] : undefined));
  });
  it('is a view with permuted strides; contiguous() copies to row-major', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const t = transpose(x);
    expect(t.data).toBe(x.data);
    expect(t.strides).toEqual([1, 3]);
    expect(t.isContiguous).toBe(false);
    expect(t.toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    const c = t.contiguous();
    expect(c.data).not.toBe(x.data);
    expect(Array.from(c.data)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(transpose(t).toArray()).toEqual(x.toArray()); // a transpose of a transpose is the base layout again
    expect(transpose(t).isContiguous).toBe(true);
  });
  it('feeds views into other ops (matmul reads them through contiguousData)', () => {
    const a = rand([3, 2]);
    const b = rand([3, 4], 2);
    expectClose(matmul(transpose(a), b), tf.matMul(toTf(a), toTf(b), true, false));
  });
  it('has finite-difference gradients', () => {
    gradcheck((x) => transpose(x), [rand([3, 4])]);
    gradcheck((x) => transpose(x, [1, 2, 0]), [rand([2, 3, 4])]);
    gradcheck((x) => transpose(transpose(x, [2, 0, 1]), [0, 2, 1]), [rand([2, 3, 4])]);
  });
  it('sends the transposed gradient to the base', () => {
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      undefined,
      true,
    );
    sum(
      mul(
        transpose(x),
        tensor([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
      ),
    ).backward();
    expect(x.grad?.toArray()).toEqual([
      [1, 3, 5],
      [2, 4, 6],
    ]);
  });
  it('rejects an invalid permutation', () => {
    expect(() => transpose(rand([2, 3]), [0, 0])).toThrow('TENSOR_INVALID_AXIS');
  });
});
