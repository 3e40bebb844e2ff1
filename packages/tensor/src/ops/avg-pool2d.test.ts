import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import { Tensor } from '../tensor.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { POOL_CASES, poolOracle } from '../test-utils/pool.js';
import { avgPool2d } from './avg-pool2d.js';

describe('avgPool2d', () => {
  it('divides same-padded windows by their real cells only', () => {
    // 1×3 row, pool 2 stride 2 same: windows [1, 2] and [3, pad] → 1.5 and 3 (not 1.5).
    const y = avgPool2d(tensor([1, 2, 3], [1, 1, 3, 1]), { poolSize: [1, 2], padding: 'same' });
    expect([...y.data]).toEqual([1.5, 3]);
  });

  // TF.js's cpu AvgPoolGrad divides by the full window (kernels/AvgPoolGrad.js: 1 / (filterHeight ·
  // filterWidth)) although its forward divides by the real cells, so its gradient is only a valid
  // oracle for windows that never touch padding; the same-padded gradients are checked against
  // finite differences of the (TF-matching) forward instead, in the test after this one.
  it.each(POOL_CASES)(
    'matches TF.js values (and valid-padding gradients) for %j, pool %j, strides %j, %s',
    (shape, size, strides, padding) => {
      const x = rand(shape, 1);
      const ref = poolOracle(x, (t) => tf.avgPool(t, size, strides, padding));
      const leaf = new Tensor(x.data.slice(), x.shape, true);
      const y = avgPool2d(leaf, { poolSize: size, strides, padding });
      expectClose(y, ref.y);
      y.backward(ref.u);
      if (padding === 'valid') expectClose(leaf.grad!, ref.dx);
    },
  );

  it('differs from TF.js cpu only where TF.js divides a padded window by its full size', () => {
    const x = tensor([1, 2, 3], [1, 1, 3, 1], true);
    avgPool2d(x, { poolSize: [1, 2], padding: 'same' }).backward(tensor([1, 1], [1, 1, 2, 1]));
    const ref = poolOracle(x, (t) => tf.avgPool(t, [1, 2], [1, 2], 'same'));
    expect([...x.grad!.data]).toEqual([0.5, 0.5, 1]); // d(x2 / 1)/dx2 = 1: the last window has one real cell
    expect([
      ...tf
        .grad((t: tf.Tensor) => tf.avgPool(t as tf.Tensor4D, [1, 2], [1, 2], 'same').sum())(toTf(x))
        .dataSync(),
    ]).toEqual([0.5, 0.5, 0.5]);
    expect(ref.y.dataSync()[1]).toBe(3); // while its forward divides that window by 1
  });

  it.each(POOL_CASES.filter((c) => c[3] === 'same'))(
    'has finite-difference gradients for %j, pool %j, strides %j, %s',
    (shape, size, strides, padding) => {
      gradcheck((x) => avgPool2d(x, { poolSize: size, strides, padding }), [rand(shape, 3)]);
    },
  );
});
