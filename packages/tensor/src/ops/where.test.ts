import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import { expectGradsMatchTf } from '../test-utils/edge-cases.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import type { Tensor } from '../tensor.js';
import { where } from './where.js';

// [cond, a, b]: rank 0, equal shapes, each operand broadcasting, and size 0.
const CASES: [number[], number[], number[]][] = [
  [[], [], []],
  [
    [2, 3],
    [2, 3],
    [2, 3],
  ],
  [[3], [2, 3], []],
  [[2, 1], [3], [1, 3]],
  [[4, 1, 1], [1, 2, 1], [3]],
];

const mask = (shape: number[], seed: number): Tensor =>
  tensor(
    rand(shape, seed).data.map((v) => (v > 0 ? 1 : 0)),
    shape,
  );

describe('where', () => {
  it.each(CASES)('matches TF.js for cond %j, a %j, b %j', (sc, sa, sb) => {
    const c = mask(sc, 1);
    const a = rand(sa, 2);
    const b = rand(sb, 3);
    // tf.where needs a bool condition and broadcasts all three like NumPy.
    expectClose(where(c, a, b), tf.where(tf.cast(toTf(c), 'bool'), toTf(a), toTf(b)));
  });
  it.each(CASES)('has finite-difference gradients for cond %j, a %j, b %j', (sc, sa, sb) => {
    const c = mask(sc, 4);
    gradcheck((a, b) => where(c, a, b), [rand(sa, 5), rand(sb, 6)]);
  });
  it('matches tf.grad for both branches', () => {
    const c = mask([2, 3], 7);
    expectGradsMatchTf(
      (a, b) => where(c, a, b),
      (a, b) => tf.where(tf.cast(toTf(c), 'bool'), a, b),
      [rand([2, 3], 8), rand([2, 3], 9)],
    );
  });
  it('keeps size-0 shapes (TF.js 4.22 cpu returns [1, 3] here, so no oracle)', () => {
    const a = tensor([1, 2, 3], undefined, true);
    const b = tensor(5, undefined, true);
    const y = where(rand([0, 3]), a, b);
    expect(y.shape).toEqual([0, 3]);
    y.backward(tensor(new Float32Array(0), [0, 3]));
    expect(a.grad?.toArray()).toEqual([0, 0, 0]);
    expect(b.grad?.toArray()).toEqual(0);
  });
  it('routes the gradient to the picked branch and sums it over broadcast axes', () => {
    const a = tensor([10], undefined, true);
    const b = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      undefined,
      true,
    );
    const y = where(
      tensor([
        [1, 0],
        [0, 1],
      ]),
      a,
      b,
    );
    expect(y.toArray()).toEqual([
      [10, 2],
      [3, 10],
    ]);
    y.backward(
      tensor([
        [1, 1],
        [1, 1],
      ]),
    );
    expect(a.grad?.toArray()).toEqual([2]);
    expect(b.grad?.toArray()).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });
  it('names both shapes when the operands do not broadcast', () => {
    expect(() => where(rand([3]), rand([4]), rand([]))).toThrow('TENSOR_SHAPE_MISMATCH: cannot broadcast [3] with [4]');
    expect(() => where(rand([2, 1]), rand([3]), rand([4]))).toThrow(
      'TENSOR_SHAPE_MISMATCH: cannot broadcast [2, 3] with [4]',
    );
  });
});
