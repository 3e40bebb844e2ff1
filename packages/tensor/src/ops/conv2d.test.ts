import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import type { Padding } from '../kernels/conv-geometry.js';
import { Tensor } from '../tensor.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { conv2d } from './conv2d.js';
import { transpose } from './transpose.js';

// [input NHWC, filter HWIO, strides, padding, dilations]; odd sizes, both paddings, strides and
// dilations (TF.js accepts one of stride or dilation > 1 at a time), 1×1 and non-square filters.
type Case = [number[], number[], number | [number, number], Padding, number | [number, number]];
const CASES: Case[] = [
  [[2, 5, 5, 3], [3, 3, 3, 4], 1, 'same', 1],
  [[2, 5, 5, 3], [3, 3, 3, 4], 1, 'valid', 1],
  [[1, 7, 6, 2], [3, 2, 2, 3], 2, 'same', 1],
  [[1, 7, 6, 2], [3, 2, 2, 3], 2, 'valid', 1],
  [[2, 8, 7, 1], [4, 4, 1, 2], [2, 3], 'same', 1],
  [[1, 9, 8, 2], [3, 3, 2, 2], 1, 'same', 2],
  [[1, 9, 8, 2], [2, 3, 2, 3], 1, 'valid', [2, 3]],
  [[3, 4, 4, 5], [1, 1, 5, 6], 1, 'valid', 1],
  [[2, 5, 4, 3], [1, 1, 3, 2], 2, 'same', 1],
  [[1, 3, 3, 2], [5, 5, 2, 2], 1, 'same', 1],
];

// TF.js has no gradient for dilated convolutions, so for those the oracle convolves with the
// equivalent undilated filter (zeros between the taps) and reads the filter gradient at the taps.
function dilate(w: Tensor, [dh, dw]: [number, number]): { wide: Tensor; taps: number[] } {
  const [kh, kw, i, o] = w.shape;
  const shape = [(kh - 1) * dh + 1, (kw - 1) * dw + 1, i, o];
  const data = new Float32Array(shape[0] * shape[1] * i * o);
  const taps: number[] = [];
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let e = 0; e < i * o; e++) {
        const at = (y * dh * shape[1] + x * dw) * i * o + e;
        data[at] = w.data[(y * kw + x) * i * o + e];
        taps.push(at);
      }
    }
  }
  return { wide: new Tensor(data, shape), taps };
}

function theirs(x: Tensor, w: Tensor, [, , s, p, d]: Case) {
  const { wide, taps } = dilate(w, typeof d === 'number' ? [d, d] : d);
  const conv = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, p, 'NHWC');
  const tx = toTf(x);
  const tw = toTf(wide);
  const y = tf.conv2d(tx as tf.Tensor4D, toTf(w) as tf.Tensor4D, s, p, 'NHWC', d);
  // The gradients of the sum of y·u for a fixed random u: every output position weighs in.
  const u = toTf(rand(y.shape, 9));
  const [dx, dWide] = tf.grads((a: tf.Tensor, b: tf.Tensor) => conv(a, b).mul(u).sum())([tx, tw]);
  const wideGrad = dWide.dataSync();
  const dw = { shape: [...w.shape], data: taps.map((t) => wideGrad[t]) };
  return { y, u, dx, dw };
}

describe('conv2d', () => {
  it('convolves a hand-computed example (cross-correlation, TF same padding puts the odd pixel after)', () => {
    // 1×4×1 input, 1×2 filter [1, 10], same padding: total pad 1 → 0 before, 1 after.
    const y = conv2d(tensor([1, 2, 3, 4], [1, 1, 4, 1]), tensor([1, 10], [1, 2, 1, 1]), { padding: 'same' });
    expect(y.shape).toEqual([1, 1, 4, 1]);
    expect([...y.data]).toEqual([21, 32, 43, 4]);
  });

  it.each(CASES)('matches TF.js values and gradients for x %j, w %j, strides %j, %s, dilations %j', (...c) => {
    const x = rand(c[0], 1);
    const w = rand(c[1], 2);
    const ref = theirs(x, w, c);
    const xl = new Tensor(x.data.slice(), x.shape, true);
    const wl = new Tensor(w.data.slice(), w.shape, true);
    const y = conv2d(xl, wl, { strides: c[2], padding: c[3], dilations: c[4] });
    expectClose(y, ref.y, 1e-4);
    y.backward(new Tensor(new Float32Array(ref.u.dataSync()), y.shape));
    expectClose(xl.grad!, ref.dx, 1e-4);
    expectClose(wl.grad!, ref.dw, 1e-4);
  });

  it('agrees with TF.js on a batch larger than one im2col chunk', () => {
    const c: Case = [[80, 30, 30, 8], [3, 3, 8, 4], 1, 'same', 1];
    const x = rand(c[0], 3);
    const w = rand(c[1], 4);
    const ref = theirs(x, w, c);
    const wl = new Tensor(w.data.slice(), w.shape, true);
    const y = conv2d(x, wl, { padding: 'same' });
    expectClose(y, ref.y, 1e-4);
    y.backward(new Tensor(new Float32Array(ref.u.dataSync()), y.shape));
    expectClose(wl.grad!, ref.dw, 1e-3);
  });

  it.each([
    [[1, 4, 4, 2], [3, 3, 2, 2], 1, 'same', 1],
    [[2, 5, 4, 1], [2, 3, 1, 2], 2, 'valid', 1],
    [[1, 5, 5, 2], [2, 2, 2, 1], [1, 2], 'same', 2],
  ] as Case[])('has finite-difference gradients for x %j, w %j, strides %j, %s, dilations %j', (xs, ws, s, p, d) => {
    gradcheck((x, w) => conv2d(x, w, { strides: s, padding: p, dilations: d }), [rand(xs, 5), rand(ws, 6)]);
  });

  it("reads strided views through contiguousData (a transposed input gives the copy's result)", () => {
    const view = transpose(rand([1, 5, 4, 3], 7), [0, 2, 1, 3]); // [1, 4, 5, 3], not row-major
    expect(view.isContiguous).toBe(false);
    const copy = new Tensor(view.dataSync(), view.shape);
    const w = rand([3, 3, 3, 2], 8);
    expectClose(conv2d(view, w, { padding: 'same' }), conv2d(copy, w, { padding: 'same' }), 0);
    expectClose(conv2d(copy, transpose(transpose(w)), { padding: 'same' }), conv2d(copy, w, { padding: 'same' }), 0);
  });

  it('rejects mismatched channels, bad ranks, padding and windows that do not fit', () => {
    expect(() => conv2d(rand([1, 4, 4, 3]), rand([3, 3, 2, 1]))).toThrow(
      'TENSOR_SHAPE_MISMATCH: conv2d input [1, 4, 4, 3] has 3 channels but filter [3, 3, 2, 1] expects 2',
    );
    expect(() => conv2d(rand([4, 4, 3]), rand([3, 3, 3, 1]))).toThrow(
      'TENSOR_INVALID_SHAPE: conv2d needs NHWC input of rank 4',
    );
    expect(() => conv2d(rand([1, 4, 4, 3]), rand([3, 3, 3]))).toThrow(
      'TENSOR_INVALID_SHAPE: conv2d needs an HWIO filter',
    );
    expect(() => conv2d(rand([1, 2, 2, 1]), rand([3, 3, 1, 1]))).toThrow('TENSOR_INVALID_SHAPE: conv2d window 3x3');
    expect(() => conv2d(rand([1, 4, 4, 1]), rand([3, 3, 1, 1]), { padding: 'full' as Padding })).toThrow(
      'TENSOR_INVALID_ARGUMENT',
    );
    expect(() => conv2d(rand([1, 4, 4, 1]), rand([3, 3, 1, 1]), { strides: 0 })).toThrow(
      'TENSOR_INVALID_ARGUMENT: conv2d strides',
    );
  });
});
