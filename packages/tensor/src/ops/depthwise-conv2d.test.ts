import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import type { Padding } from '../kernels/conv-geometry.js';
import { Tensor } from '../tensor.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { depthwiseConv2d } from './depthwise-conv2d.js';

// [input NHWC, filter [kh, kw, in, multiplier], strides, padding]: TF.js has depthwise gradients
// only without dilation, so dilation is covered by the finite-difference check below.
type Case = [number[], number[], number | [number, number], Padding];
const CASES: Case[] = [
  [[2, 5, 5, 3], [3, 3, 3, 1], 1, 'same'],
  [[2, 5, 5, 3], [3, 3, 3, 2], 1, 'valid'],
  [[1, 7, 6, 2], [3, 2, 2, 3], 2, 'same'],
  [[1, 8, 7, 4], [4, 4, 4, 1], [2, 3], 'same'],
  [[2, 6, 5, 2], [2, 2, 2, 2], 2, 'valid'],
];

describe('depthwiseConv2d', () => {
  it('convolves each channel with its own filter (hand-computed)', () => {
    // Two channels, 1×2 filters [1, 10] and [2, 0]: channel 0 → 1·1 + 10·3, channel 1 → 2·2.
    const y = depthwiseConv2d(tensor([1, 2, 3, 4], [1, 1, 2, 2]), tensor([1, 2, 10, 0], [1, 2, 2, 1]));
    expect([...y.data]).toEqual([31, 4]);
  });

  it.each(CASES)('matches TF.js values and gradients for x %j, w %j, strides %j, %s', (xs, ws, s, p) => {
    const x = rand(xs, 1);
    const w = rand(ws, 2);
    const conv = (a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, p);
    const y = conv(toTf(x), toTf(w));
    const u = rand(y.shape, 9);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => conv(a, b).mul(toTf(u)).sum())([toTf(x), toTf(w)]);
    const xl = new Tensor(x.data.slice(), x.shape, true);
    const wl = new Tensor(w.data.slice(), w.shape, true);
    const out = depthwiseConv2d(xl, wl, { strides: s, padding: p });
    expectClose(out, y, 1e-4);
    out.backward(u);
    expectClose(xl.grad!, dx, 1e-4);
    expectClose(wl.grad!, dw, 1e-4);
  });

  it('matches TF.js values with dilation', () => {
    const x = rand([1, 9, 8, 2], 3);
    const w = rand([3, 2, 2, 2], 4);
    expectClose(
      depthwiseConv2d(x, w, { padding: 'same', dilations: [2, 3] }),
      tf.depthwiseConv2d(toTf(x) as tf.Tensor4D, toTf(w) as tf.Tensor4D, 1, 'same', 'NHWC', [2, 3]),
      1e-4,
    );
  });

  it.each([
    [[1, 5, 4, 2], [3, 3, 2, 2], 2, 'same', 1],
    [[1, 7, 7, 2], [2, 2, 2, 1], 1, 'valid', 2],
  ] as const)('has finite-difference gradients for x %j, w %j, strides %j, %s, dilations %j', (xs, ws, s, p, d) => {
    gradcheck(
      (x, w) => depthwiseConv2d(x, w, { strides: s, padding: p, dilations: d }),
      [rand([...xs], 5), rand([...ws], 6)],
    );
  });

  it('rejects mismatched channels', () => {
    expect(() => depthwiseConv2d(rand([1, 4, 4, 3]), rand([3, 3, 2, 1]))).toThrow(
      'TENSOR_SHAPE_MISMATCH: depthwiseConv2d input [1, 4, 4, 3] has 3 channels but filter [3, 3, 2, 1] expects 2',
    );
  });
});
