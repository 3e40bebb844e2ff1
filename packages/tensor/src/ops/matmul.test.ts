import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import { sum } from './sum.js';
import { broadcastShapes } from '../shape.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { matmul } from './matmul.js';

const CASES: [number[], number[]][] = [
  [
    [2, 3],
    [3, 4],
  ],
  [
    [1, 1],
    [1, 1],
  ],
  [
    [5, 7],
    [7, 1],
  ],
  [
    [2, 3, 4],
    [2, 4, 5],
  ],
  [
    [2, 3, 4],
    [4, 5],
  ],
  [
    [3, 4],
    [2, 4, 2],
  ],
  [
    [2, 1, 3, 4],
    [3, 4, 2],
  ],
];

describe('matmul', () => {
  it('multiplies 2-D matrices (hand-computed)', () => {
    const c = matmul(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      tensor([
        [5, 6],
        [7, 8],
      ]),
    );
    expect(c.toArray()).toEqual([
      [19, 22],
      [43, 50],
    ]);
  });
  it.each(CASES)('matches TF.js for %j · %j (batch axes broadcast)', (sa, sb) => {
    const a = rand(sa, 1);
    const b = rand(sb, 2);
    // TF.js 4.22 cpu matMul mis-broadcasts [2,1,…]·[3,…], so the oracle broadcasts explicitly.
    const batch = broadcastShapes(sa.slice(0, -2), sb.slice(0, -2));
    const ta = tf.broadcastTo(toTf(a), [...batch, ...sa.slice(-2)]);
    const tb = tf.broadcastTo(toTf(b), [...batch, ...sb.slice(-2)]);
    expectClose(matmul(a, b), tf.matMul(ta, tb));
  });
  it.each(CASES)('has finite-difference gradients for %j · %j', (sa, sb) => {
    gradcheck((x, y) => matmul(x, y), [rand(sa, 3), rand(sb, 4)]);
  });
  it.each([
    [false, true],
    [true, false],
    [true, true],
  ])('matches TF.js with transposeA=%s transposeB=%s, batched and broadcast', (ta, tb) => {
    for (const [sa, sb] of CASES) {
      // Store each operand transposed where its flag is set, then compare with tf.matMul's flags.
      const a = rand(ta ? [...sa.slice(0, -2), sa[sa.length - 1], sa[sa.length - 2]] : sa, 1);
      const b = rand(tb ? [...sb.slice(0, -2), sb[sb.length - 1], sb[sb.length - 2]] : sb, 2);
      const batch = broadcastShapes(sa.slice(0, -2), sb.slice(0, -2));
      const tA = tf.broadcastTo(toTf(a), [...batch, ...a.shape.slice(-2)]);
      const tB = tf.broadcastTo(toTf(b), [...batch, ...b.shape.slice(-2)]);
      expectClose(matmul(a, b, ta, tb), tf.matMul(tA, tB, ta, tb));
      gradcheck((x, y) => matmul(x, y, ta, tb), [a, b]);
    }
  });
  it('with flags has the same gradients as tf.grad of tf.matMul', () => {
    const a = rand([2, 4, 3], 5);
    const b = rand([5, 4], 6);
    const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
      tf.matMul(x, tf.broadcastTo(y, [2, 5, 4]), true, true).sum(),
    )([toTf(a), toTf(b)]);
    const la = tensor(a.data.slice(), a.shape, true);
    const lb = tensor(b.data.slice(), b.shape, true);
    sum(matmul(la, lb, true, true)).backward();
    expectClose(la.grad!, ga);
    expectClose(lb.grad!, gb);
  });
  it('handles size-0 axes: an empty k gives zeros, an empty m or batch gives an empty result', () => {
    expect(matmul(rand([2, 0]), rand([0, 3])).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(matmul(rand([0, 2]), rand([2, 3])).shape).toEqual([0, 3]);
    expect(matmul(rand([0, 2, 2]), rand([2, 3])).shape).toEqual([0, 2, 3]);
    gradcheck((x, y) => matmul(x, y), [rand([2, 0]), rand([0, 3])]);
  });
  it('names both shapes when the inner axes differ', () => {
    expect(() => matmul(rand([2, 3]), rand([2, 3]), false, true)).not.toThrow();
    expect(() => matmul(rand([2, 3]), rand([2, 3]), true, true)).toThrow(
      'TENSOR_SHAPE_MISMATCH: matmul cannot contract [2, 3] with [2, 3] (transposeA=true, transposeB=true)',
    );
    expect(() => matmul(rand([2, 3]), rand([4, 5]))).toThrow(
      'TENSOR_SHAPE_MISMATCH: matmul cannot contract [2, 3] with [4, 5]',
    );
    expect(() => matmul(rand([3]), rand([3, 1]))).toThrow('TENSOR_INVALID_SHAPE');
  });
});
