import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import { broadcastShapes } from '../shape.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { matmul } from './matmul.js';

const CASES: [number[], number[]][] = [
  [[2, 3], [3, 4]],
  [[1, 1], [1, 1]],
  [[5, 7], [7, 1]],
  [[2, 3, 4], [2, 4, 5]],
  [[2, 3, 4], [4, 5]],
  [[3, 4], [2, 4, 2]],
  [[2, 1, 3, 4], [3, 4, 2]],
];

describe('matmul', () => {
  it('multiplies 2-D matrices (hand-computed)', () => {
    const c = matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]]));
    expect(c.toArray()).toEqual([[19, 22], [43, 50]]);
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
    gradcheck(matmul, [rand(sa, 3), rand(sb, 4)]);
  });
  it('names both shapes when the inner axes differ', () => {
    expect(() => matmul(rand([2, 3]), rand([4, 5]))).toThrow('TENSOR_SHAPE_MISMATCH: matmul cannot contract [2, 3] with [4, 5]');
    expect(() => matmul(rand([3]), rand([3, 1]))).toThrow('TENSOR_INVALID_SHAPE');
  });
});
