import { describe, expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { EMPTY_PAIRS } from '../test-utils/edge-cases.js';
import { BROADCAST_PAIRS, expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import type { Tensor } from '../tensor.js';
import type { TensorLike } from './util.js';
import { equal, greater, greaterEqual, less, lessEqual, notEqual } from './compare.js';

const OPS: [string, (a: TensorLike, b: TensorLike) => Tensor, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
  ['equal', equal, tf.equal],
  ['notEqual', notEqual, tf.notEqual],
  ['less', less, tf.less],
  ['lessEqual', lessEqual, tf.lessEqual],
  ['greater', greater, tf.greater],
  ['greaterEqual', greaterEqual, tf.greaterEqual],
];

// Inputs rounded to a few levels so that ties (where ≤ and < differ) actually occur.
const coarse = (shape: number[], seed: number): Tensor => {
  const t = rand(shape, seed, -2, 2);
  return tensor(t.data.map(Math.round), shape);
};

describe.each(OPS)('%s', (_, ours, theirs) => {
  it.each([...BROADCAST_PAIRS, ...EMPTY_PAIRS])('matches TF.js (as 0/1 float32) for %j with %j', (sa, sb) => {
    const a = coarse(sa, 1);
    const b = coarse(sb, 2);
    expectClose(ours(a, b), tf.cast(theirs(toTf(a), toTf(b)), 'float32'), 0);
  });
  it('records no graph and rejects shapes that do not broadcast', () => {
    const a = tensor([1, 2, 3], undefined, true);
    expect(ours(a, 2).requiresGrad).toBe(false);
    expect(() => ours(rand([3]), rand([4]))).toThrow('TENSOR_SHAPE_MISMATCH: cannot broadcast [3] with [4]');
  });
});

it('comparisons see ties and NaN as IEEE does', () => {
  const a = tensor([1, 2, NaN]);
  const b = tensor([1, 3, NaN]);
  expect(equal(a, b).toArray()).toEqual([1, 0, 0]);
  expect(notEqual(a, b).toArray()).toEqual([0, 1, 1]);
  expect(lessEqual(a, b).toArray()).toEqual([1, 1, 0]);
  expect(less(a, b).toArray()).toEqual([0, 1, 0]);
});
