import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../random.js';
import { windowGeometry } from './conv-geometry.js';
import { convWasm } from './conv-wasm.js';
import { engineInfo, setThreads } from './engine.js';
import { gemm } from './gemm.js';
import { gemmWasm } from './gemm-wasm.js';
import { splitRange } from './threads.js';

// Several threads must give the single thread's results bit for bit: the work is split into
// disjoint rows, columns or images, never into partial sums.

function random(n: number, seed: number): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => r.uniform(-1, 1));
}

function withThreads<T>(n: number, fn: () => T): T {
  setThreads(n);
  try {
    return fn();
  } finally {
    setThreads(1);
  }
}

describe('splitRange', () => {
  it('covers [0, total) with ranges that are multiples of `multiple` but the last', () => {
    expect(splitRange(10, 2, 4)).toEqual([
      [0, 8],
      [8, 10],
    ]);
    expect(splitRange(64, 2, 1)).toEqual([
      [0, 32],
      [32, 64],
    ]);
    expect(splitRange(8, 3, 8)).toEqual([[0, 8]]);
    expect(splitRange(5, 4, 1)).toEqual([
      [0, 2],
      [2, 4],
      [4, 5],
    ]);
  });
});

describe.runIf(gemmWasm)('kernels on worker threads', () => {
  afterAll(() => setThreads(1));

  it('reports the thread count in engineInfo', () => {
    expect(engineInfo()).toMatchObject({ kernels: 'wasm-simd', threads: 1, simd: true });
    expect(withThreads(3, () => engineInfo().threads)).toBe(3);
    expect(engineInfo().threads).toBe(1);
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
  ])('gemm transA=%s transB=%s is bit-identical on 1, 2 and 3 threads', (ta, tb) => {
    // Rows split (301×67), columns split (the others); 6×203 splits into column blocks under 128
    // wide, which GEMM packs plainly where one thread packs A pre-broadcast. All are above 2^22
    // multiply-adds, where products go to several threads.
    for (const [m, n, k] of [
      [301, 67, 290],
      [64, 256, 784],
      [9, 40, 12000],
      [6, 203, 3500],
    ]) {
      const a = random(m * k, 1);
      const b = random(k * n, 2);
      const runs = [1, 2, 3].map((t) =>
        withThreads(t, () => {
          const c = random(m * n, 3);
          gemm(ta, tb, m, n, k, a, 0, b, 0, c, 0, true);
          return c;
        }),
      );
      expect(runs[1]).toEqual(runs[0]);
      expect(runs[2]).toEqual(runs[0]);
    }
  });

  it('conv2d forward and gradients are bit-identical on 1 and 2 threads', () => {
    const g = windowGeometry('conv2d', [9, 13, 13, 32], 3, 3, 1, 'valid');
    const outC = 40;
    const x = random(9 * 13 * 13 * 32, 4);
    const w = random(9 * 32 * outC, 5);
    const bias = random(outC, 6);
    const dy = random(9 * 11 * 11 * outC, 7);
    const [one, two] = [1, 2].map((t) =>
      withThreads(t, () => {
        const y = convWasm!.forward(x, w, bias, g, outC, true);
        const grads = convWasm!.backward(x, w, dy, y, g, outC, { dx: true, dw: true, db: true });
        return [y, grads.dx, grads.dw, grads.db];
      }),
    );
    expect(two).toEqual(one);
  });
});
