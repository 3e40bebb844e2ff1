import { describe, expect, it } from 'vitest';
import { Rng } from '../random.js';
import { windowGeometry, type Padding } from './conv-geometry.js';
import { avgPoolBackwardTs, avgPoolForwardTs, maxPoolForwardTs } from './pool.js';
import { poolWasm } from './pool-wasm.js';

// The WebAssembly pooling kernels against the TypeScript ones: max pooling bit for bit (values,
// argmax, NaN and ties), average pooling within 1e-4 relative.

function random(n: number, seed: number, levels = 0): Float32Array {
  const r = new Rng(seed);
  // With `levels`, values are drawn from a few integers so that windows have ties.
  return Float32Array.from({ length: n }, () => (levels ? Math.floor(r.uniform(0, levels)) : r.uniform(-1, 1)));
}

function worstRelative(got: Float32Array, want: Float32Array, scale: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (scale[i] + 1e-30));
  return worst;
}

const CASES: [[number, number, number, number], number, number, number | [number, number], Padding][] = [
  [[2, 26, 26, 32], 2, 2, 2, 'valid'], // the CNN's pools
  [[2, 11, 11, 64], 2, 2, 2, 'valid'],
  [[3, 7, 9, 5], 3, 3, 2, 'same'],
  [[2, 6, 6, 3], 3, 2, 1, 'valid'],
  [[1, 5, 7, 9], 2, 3, [1, 2], 'same'],
];

describe.runIf(poolWasm)('pooling (WebAssembly SIMD)', () => {
  it.each(CASES)(
    'max matches the TypeScript kernel for %j, window %dx%d, strides %j, %s',
    (xs, kH, kW, strides, padding) => {
      const g = windowGeometry('maxPool2d', xs, kH, kW, strides, padding);
      const size = xs.reduce((a, b) => a * b);
      for (const x of [random(size, 1), random(size, 2, 3)]) {
        x[5] = NaN;
        x[size - 1] = -Infinity;
        const got = poolWasm!.maxForward(x, g);
        const want = maxPoolForwardTs(x, g);
        expect(got.y).toEqual(want.y);
        expect(got.argmax).toEqual(want.argmax);
      }
    },
  );

  it.each(CASES)(
    'avg matches the TypeScript kernel for %j, window %dx%d, strides %j, %s',
    (xs, kH, kW, strides, padding) => {
      const g = windowGeometry('avgPool2d', xs, kH, kW, strides, padding);
      const x = random(
        xs.reduce((a, b) => a * b),
        4,
      );
      const y = poolWasm!.avgForward(x, g);
      const want = avgPoolForwardTs(x, g);
      const scale = avgPoolForwardTs(x.map(Math.abs), g);
      expect(worstRelative(y, want, scale)).toBeLessThanOrEqual(1e-4);
      const dy = random(y.length, 5);
      const dx = poolWasm!.avgBackward(dy, g);
      const dxWant = avgPoolBackwardTs(dy, g);
      const dxScale = avgPoolBackwardTs(dy.map(Math.abs), g);
      expect(worstRelative(dx, dxWant, dxScale)).toBeLessThanOrEqual(1e-4);
    },
  );
});
