import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { broadcastTo } from './broadcast-to.js';

describe('broadcastTo', () => {
  it.each([
    [[], [2, 3]],
    [[3], [2, 3]],
    [
      [2, 1],
      [2, 4],
    ],
    [
      [1, 3, 1],
      [2, 3, 2],
    ],
    [
      [2, 3],
      [2, 3],
    ],
  ] as const)('matches TF.js for %j → %j', (from, to) => {
    const x = rand([...from]);
    expectClose(broadcastTo(x, [...to]), tf.broadcastTo(toTf(x), [...to]));
  });
  it('stretches size-1 axes to size 0, as NumPy (TF.js cannot)', () => {
    expectClose(broadcastTo(rand([2, 1]), [2, 0]), { shape: [2, 0], data: [] });
    expectClose(broadcastTo(rand([1]), [3, 0]), { shape: [3, 0], data: [] });
  });
  it('is a view with stride 0 on stretched axes', () => {
    const x = tensor([1, 2, 3]);
    const y = broadcastTo(x, [2, 3]);
    expect(y.data).toBe(x.data);
    expect(y.strides).toEqual([0, 1]);
    expect(y.toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });
  it('has finite-difference gradients (summed over stretched axes)', () => {
    gradcheck((x) => broadcastTo(x, [2, 3, 4]), [rand([3, 1])]);
    gradcheck((x) => broadcastTo(x, [3]), [rand([])]);
  });
  it('names both shapes when they do not broadcast', () => {
    expect(() => broadcastTo(rand([3]), [4])).toThrow('TENSOR_SHAPE_MISMATCH: cannot broadcast [3] to [4]');
    expect(() => broadcastTo(rand([2, 3]), [3])).toThrow('TENSOR_SHAPE_MISMATCH: cannot broadcast [2, 3] to [3]');
  });
});
