import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { einsumFor } from '../test-utils/einsum.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { tensordot, type TensordotAxes } from './tensordot.js';

const resolve = (rx: number, ry: number, axes: TensordotAxes): [number[], number[]] =>
  typeof axes === 'number'
    ? [Array.from({ length: axes }, (_, i) => rx - axes + i), Array.from({ length: axes }, (_, i) => i)]
    : [axes[0].map((a) => (a < 0 ? a + rx : a)), axes[1].map((a) => (a < 0 ? a + ry : a))];

// [x shape, y shape, axes]: contracted blocks at the end, at the start (transposed reads),
// scattered (a real permute), zero axes (outer product), and negative axes.
const CASES: [number[], number[], TensordotAxes][] = [
  [[3, 4], [4, 5], 1],
  [[2, 3, 4], [3, 4, 5], 2],
  [
    [4, 3],
    [4, 5],
    [[0], [0]],
  ],
  [
    [3, 4],
    [5, 4],
    [[1], [1]],
  ],
  [
    [2, 3, 4],
    [4, 3, 5],
    [
      [1, 2],
      [1, 0],
    ],
  ],
  [
    [2, 3, 4],
    [5, 2],
    [[0], [-1]],
  ],
  [[3], [2, 2], 0],
  [
    [2, 3],
    [3, 2],
    [
      [0, 1],
      [1, 0],
    ],
  ],
];

describe('tensordot', () => {
  it.each(CASES)('matches tf.einsum for %j ⊗ %j over %j', (sx, sy, axes) => {
    const x = rand(sx, 1);
    const y = rand(sy, 2);
    const [xa, ya] = resolve(sx.length, sy.length, axes);
    expectClose(tensordot(x, y, axes), tf.einsum(einsumFor(sx.length, sy.length, xa, ya), toTf(x), toTf(y)), 1e-5);
  });
  it.each(CASES)('has finite-difference gradients for %j ⊗ %j over %j', (sx, sy, axes) => {
    gradcheck((x, y) => tensordot(x, y, axes), [rand(sx, 3), rand(sy, 4)]);
  });
  it('contracts the last two axes by default (as NumPy) and handles rank 0 and size 0', () => {
    const x = rand([2, 3, 4]);
    const y = rand([3, 4, 2], 2);
    expectClose(tensordot(x, y), tf.einsum('abc,bcd->ad', toTf(x), toTf(y)));
    expect(tensordot(rand([], 1), rand([], 2), 0).shape).toEqual([]);
    expect(tensordot(rand([0, 3]), rand([3, 2]), 1).shape).toEqual([0, 2]);
    expect(tensordot(rand([2, 0]), rand([0, 2]), 1).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });
  it('names both shapes when the contracted sizes differ', () => {
    expect(() => tensordot(rand([2, 3]), rand([4, 5]), 1)).toThrow(
      'TENSOR_SHAPE_MISMATCH: tensordot cannot contract [2, 3] with [4, 5]: axis 1 has 3, axis 0 has 4',
    );
    expect(() => tensordot(rand([2, 3]), rand([3, 5]), [[1], [0, 1]])).toThrow(
      'TENSOR_SHAPE_MISMATCH: tensordot cannot contract [2, 3] with [3, 5]',
    );
    expect(() =>
      tensordot(rand([2, 3]), rand([3, 5]), [
        [1, 1],
        [0, 0],
      ]),
    ).toThrow('TENSOR_INVALID_AXIS');
    expect(() => tensordot(rand([2]), rand([2]), 2)).toThrow('TENSOR_INVALID_AXIS');
  });
});
