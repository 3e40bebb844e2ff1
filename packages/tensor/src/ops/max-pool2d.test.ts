import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import { Tensor } from '../tensor.js';
import { expectClose, rand, tf } from '../test-utils/oracle.js';
import { POOL_CASES, poolOracle } from '../test-utils/pool.js';
import { avgPool2d } from './avg-pool2d.js';
import { globalAvgPool2d, globalMaxPool2d } from './global-pool.js';
import { maxPool2d } from './max-pool2d.js';
import { transpose } from './transpose.js';

describe('maxPool2d', () => {
  it('ignores same padding even where every real value is negative', () => {
    // 1×3 row, pool 2 stride 2 same: windows [0,1] and [2, pad]; the pad (0) must not win.
    const y = maxPool2d(tensor([-3, -1, -2], [1, 1, 3, 1]), { poolSize: [1, 2], padding: 'same' });
    expect([...y.data]).toEqual([-1, -2]);
  });

  it.each(POOL_CASES)(
    'matches TF.js values and gradients for %j, pool %j, strides %j, %s',
    (shape, size, strides, padding) => {
      const x = rand(shape, 1);
      const ref = poolOracle(x, (t) => tf.maxPool(t, size, strides, padding));
      const leaf = new Tensor(x.data.slice(), x.shape, true);
      const y = maxPool2d(leaf, { poolSize: size, strides, padding });
      expectClose(y, ref.y);
      y.backward(ref.u);
      expectClose(leaf.grad!, ref.dx);
    },
  );

  it('defaults strides to the pool size (Keras)', () => {
    expect(maxPool2d(rand([1, 6, 6, 1]), { poolSize: 3 }).shape).toEqual([1, 2, 2, 1]);
    expect(maxPool2d(rand([1, 5, 5, 1])).shape).toEqual([1, 2, 2, 1]);
  });

  it.each(POOL_CASES.slice(1, 4))(
    'has finite-difference gradients for %j, pool %j, strides %j, %s',
    (shape, size, strides, padding) => {
      gradcheck((x) => maxPool2d(x, { poolSize: size, strides, padding }), [rand(shape, 3)]);
    },
  );

  it('reads strided views through contiguousData', () => {
    const view = transpose(rand([2, 5, 4, 3], 7), [0, 2, 1, 3]);
    const copy = new Tensor(view.dataSync(), view.shape);
    expectClose(maxPool2d(view, { padding: 'same' }), maxPool2d(copy, { padding: 'same' }), 0);
    expectClose(avgPool2d(view, { padding: 'same' }), avgPool2d(copy, { padding: 'same' }), 0);
    expectClose(globalMaxPool2d(view), globalMaxPool2d(copy), 0);
    expectClose(globalAvgPool2d(view), globalAvgPool2d(copy), 0);
  });

  it('rejects a rank other than 4', () => {
    expect(() => maxPool2d(rand([4, 4, 1]))).toThrow(
      'TENSOR_INVALID_SHAPE: maxPool2d needs NHWC input of rank 4, got [4, 4, 1]',
    );
  });
});
