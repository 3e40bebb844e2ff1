import { describe, expect, it } from 'vitest';
import { Rng } from '../random.js';
import { windowGeometry, type Padding, type WindowGeometry } from './conv-geometry.js';
import { conv2dBackward, conv2dFilterGradTs, conv2dForward, conv2dForwardTs, conv2dInputGradTs } from './conv.js';
import { convWasm } from './conv-wasm.js';
import { sumToShape } from './reduce.js';

// The WebAssembly convolution against the TypeScript kernels (im2col/col2im around gemm), each
// value within 1e-4 of the magnitude of the sum that produced it.

function random(n: number, seed: number): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => r.uniform(-1, 1));
}

const abs = (x: Float32Array): Float32Array => x.map(Math.abs);

function expectClose(got: Float32Array, want: Float32Array, magnitude: Float32Array): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (magnitude[i] + 1e-30));
  expect(worst).toBeLessThanOrEqual(1e-4);
}

// [x shape, kH, kW, outC, strides, padding, dilations]
const CASES: [[number, number, number, number], number, number, number, number | [number, number], Padding, number][] =
  [
    [[2, 28, 28, 1], 3, 3, 32, 1, 'valid', 1], // the CNN's first layer
    [[3, 13, 13, 32], 3, 3, 64, 1, 'valid', 1], // its second
    [[2, 7, 9, 3], 3, 3, 5, 1, 'same', 1],
    [[2, 8, 7, 6], 3, 2, 7, [2, 1], 'same', 1],
    [[1, 9, 9, 4], 3, 3, 8, 1, 'same', 2],
    [[2, 5, 5, 8], 1, 1, 3, 1, 'valid', 1],
    [[70, 12, 12, 17], 5, 5, 9, 1, 'same', 1], // several column chunks
  ];

describe.runIf(convWasm)('conv2d (WebAssembly SIMD)', () => {
  it.each(CASES)(
    'matches the TypeScript kernels for x %j, %dx%d → %d, strides %j, %s, dilation %d',
    (xs, kH, kW, outC, strides, padding, dil) => {
      const g: WindowGeometry = windowGeometry('conv2d', xs, kH, kW, strides, padding, dil);
      const x = random(
        xs.reduce((a, b) => a * b),
        1,
      );
      const w = random(kH * kW * xs[3] * outC, 2);
      const bias = random(outC, 3);
      const dy = random(g.batch * g.outH * g.outW * outC, 4);
      const ones = new Float32Array(dy.length).fill(1);

      const want = conv2dForwardTs(x, w, g, outC);
      const magnitude = conv2dForwardTs(abs(x), abs(w), g, outC);
      expectClose(convWasm!.forward(x, w, null, g, outC, false), want, magnitude);
      // bias and relu: relu(want + bias), against the TypeScript path of the same entry point.
      const fused = convWasm!.forward(x, w, bias, g, outC, true);
      const ref = want.map((v, i) => Math.max(0, Math.fround(v + bias[i % outC])));
      expectClose(
        fused,
        ref,
        magnitude.map((m, i) => m + Math.abs(bias[i % outC])),
      );

      const grads = convWasm!.backward(x, w, dy, null, g, outC, { dx: true, dw: true, db: true });
      expectClose(grads.dx!, conv2dInputGradTs(dy, w, g, outC), conv2dInputGradTs(abs(dy), abs(w), g, outC));
      expectClose(grads.dw!, conv2dFilterGradTs(x, dy, g, outC), conv2dFilterGradTs(abs(x), abs(dy), g, outC));
      expect(grads.db).toEqual(sumToShape(dy, [dy.length / outC, outC], [outC]));

      // With relu fused, dy is masked by y > 0 first.
      const masked = dy.map((v, i) => (fused[i] > 0 ? v : 0));
      const reluGrads = convWasm!.backward(x, w, dy, fused, g, outC, { dx: true, dw: true, db: true });
      expectClose(reluGrads.dx!, conv2dInputGradTs(masked, w, g, outC), conv2dInputGradTs(ones, abs(w), g, outC));
      expectClose(reluGrads.dw!, conv2dFilterGradTs(x, masked, g, outC), conv2dFilterGradTs(abs(x), ones, g, outC));
      expect(reluGrads.db).toEqual(sumToShape(masked, [dy.length / outC, outC], [outC]));
    },
  );

  it('computes only the gradients asked for, and leaves dy untouched', () => {
    const g = windowGeometry('conv2d', [2, 6, 6, 3], 3, 3, 1, 'valid');
    const x = random(2 * 36 * 3, 5);
    const w = random(27 * 4, 6);
    const dy = random(2 * 16 * 4, 7);
    const copy = dy.slice();
    const y = conv2dForward(x, w, g, 4, null, true);
    const only = conv2dBackward(x, w, dy, y, g, 4, { dx: false, dw: true, db: false });
    expect(only.dx).toBeNull();
    expect(only.db).toBeNull();
    expect(only.dw).not.toBeNull();
    expect(dy).toEqual(copy);
  });
});
