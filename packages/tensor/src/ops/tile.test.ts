import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { tile } from './tile.js';

describe('tile', () => {
  it.each([
    [[], []],
    [[3], [2]],
    [
      [2, 3],
      [2, 1],
    ],
    [
      [2, 3],
      [1, 3],
    ],
    [
      [1, 2, 2],
      [3, 2, 2],
    ],
    [
      [2, 0],
      [2, 2],
    ],
    [
      [2, 3],
      [0, 1],
    ],
  ] as const)('matches TF.js for %j tiled %j', (shape, reps) => {
    const x = rand([...shape]);
    expectClose(tile(x, [...reps]), tf.tile(toTf(x), [...reps]));
  });
  it('pads reps or shape with leading ones, as np.tile', () => {
    expect(tile(tensor([[1, 2]]), [2]).toArray()).toEqual([[1, 2, 1, 2]]);
    expect(tile(tensor([1, 2]), [2, 1]).toArray()).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(tile(tensor(new Int32Array([7])), [3]).toArray()).toEqual([7, 7, 7]);
  });
  it('has finite-difference gradients (each copy contributes)', () => {
    gradcheck((x) => tile(x, [2, 3]), [rand([2, 2])]);
    gradcheck((x) => tile(x, [3]), [rand([1])]);
  });
  it('rejects negative reps', () => {
    expect(() => tile(rand([2]), [-1])).toThrow('TENSOR_INVALID_ARGUMENT');
  });
});
