import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Rng } from '../random.js';
import { gemm, gemmEngine, gemmTs } from './gemm.js';
import { GEMM_WASM_URL, gemmWasm } from './gemm-wasm.js';

// The wasm kernel against the TypeScript one (itself checked against a naive loop in gemm.test.ts).

function random(n: number, seed: number): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => r.uniform(-1, 1));
}

const abs = (x: Float32Array): Float32Array => x.map(Math.abs);

const VARIANTS = [
  ['nn', false, false],
  ['tn', true, false],
  ['nt', false, true],
  ['tt', true, true],
] as const;
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [17, 33, 65],
  [64, 784, 256],
  [4, 4, 0],
  [5, 9, 300],
  [130, 9, 260],
  [1, 256, 784],
  [300, 17, 600],
  [8, 8, 8],
  // Packing: depth blocks that are not a multiple of 4 (the transposing packs), more than NC columns.
  [37, 75, 263],
  [133, 40, 515],
  [9, 1100, 21],
  // Pre-broadcast A (n >= 128) with ragged rows, columns and depth blocks.
  [37, 130, 263],
  [6, 128, 5],
];

// Runs both kernels on the same operands placed at non-zero offsets, and checks that every element
// agrees within 1e-4 of its magnitude Σ|a||b| (+|c| when accumulating).
function compare(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  accumulate: boolean,
  kernel = gemmWasm!,
): void {
  const [aOff, bOff, cOff] = [3, 5, 7];
  const a = random(aOff + m * k, 1);
  const b = random(bOff + k * n, 2);
  const c0 = random(cOff + m * n + 2, 3);
  const want = c0.slice();
  const got = c0.slice();
  gemmTs(transA, transB, m, n, k, a, aOff, b, bOff, want, cOff, accumulate);
  kernel(transA, transB, m, n, k, a, aOff, b, bOff, got, cOff, accumulate);
  const magnitude = accumulate ? abs(c0) : new Float32Array(c0.length);
  gemmTs(transA, transB, m, n, k, abs(a), aOff, abs(b), bOff, magnitude, cOff, true);
  let worst = 0;
  for (let i = cOff; i < cOff + m * n; i++)
    worst = Math.max(worst, Math.abs(got[i] - want[i]) / (magnitude[i] + 1e-30));
  expect(worst).toBeLessThanOrEqual(1e-4);
  // Nothing outside C is touched.
  expect(Array.from(got.subarray(0, cOff))).toEqual(Array.from(c0.subarray(0, cOff)));
  expect(Array.from(got.subarray(cOff + m * n))).toEqual(Array.from(c0.subarray(cOff + m * n)));
}

describe.runIf(gemmWasm)('gemm (WebAssembly SIMD)', () => {
  for (const [name, ta, tb] of VARIANTS) {
    for (const accumulate of [false, true]) {
      it.each(SHAPES)(
        `${name}${accumulate ? ' +=' : ''} matches the TypeScript kernel for m=%d n=%d k=%d`,
        (m, n, k) => {
          compare(ta, tb, m, n, k, accumulate);
        },
      );
    }
  }

  it('splits products too large for one copy into chunks (rows for nn/nt, depth for tn)', () => {
    compare(false, false, 2100, 8, 2000, false); // 2^21 floats of A and C per chunk: 3 chunks
    compare(false, true, 2100, 8, 2000, true);
    compare(true, false, 8, 8, 140_000, false); // 2 chunks of depth
    compare(true, false, 8, 8, 140_000, true);
  });

  it('keeps working after its memory grows', () => {
    compare(false, false, 16, 16, 16, false);
    compare(false, false, 700, 700, 700, false);
    compare(false, false, 16, 16, 16, true);
  });
});

describe('gemm dispatch', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('runs the wasm kernel once the package is built', () => {
    if (process.env.TRAINYARD_KERNELS === 'typescript') {
      expect(gemmEngine).toBe('typescript');
      return;
    }
    expect(existsSync(GEMM_WASM_URL), `${GEMM_WASM_URL.pathname} is missing: run the tensor package's build`).toBe(
      true,
    );
    expect(gemmEngine).toBe('wasm-simd');
    // The kernels round differently (f32 vs f64 accumulation): gemm's result must be wasm's, bit for bit.
    const [m, n, k] = [32, 48, 512];
    const a = random(m * k, 4);
    const b = random(k * n, 5);
    const [viaGemm, viaWasm, viaTs] = [0, 1, 2].map(() => new Float32Array(m * n));
    gemm(false, false, m, n, k, a, 0, b, 0, viaGemm, 0, false);
    gemmWasm!(false, false, m, n, k, a, 0, b, 0, viaWasm, 0, false);
    gemmTs(false, false, m, n, k, a, 0, b, 0, viaTs, 0, false);
    expect(viaGemm).toEqual(viaWasm);
    expect(viaGemm).not.toEqual(viaTs);
  });

  it('computes a row of C the same whatever the number of rows (batch-size invariance)', () => {
    for (const transB of [false, true]) {
      const [m, n, k] = [37, 3, 300];
      const a = random(m * k, 6);
      const b = random(k * n, 7);
      const all = new Float32Array(m * n);
      gemm(false, transB, m, n, k, a, 0, b, 0, all, 0, false);
      for (const i of [0, 5, 36]) {
        const row = new Float32Array(n);
        gemm(false, transB, 1, n, k, a, i * k, b, 0, row, 0, false);
        expect(row).toEqual(all.subarray(i * n, (i + 1) * n));
      }
    }
  });

  it('falls back to TypeScript with TRAINYARD_KERNELS=typescript', async () => {
    vi.stubEnv('TRAINYARD_KERNELS', 'typescript');
    vi.resetModules();
    const fresh = await import('./gemm.js');
    const wasm = await import('./gemm-wasm.js');
    expect(fresh.gemmEngine).toBe('typescript');
    expect(wasm.gemmWasm).toBeNull();
    const c = new Float32Array(4);
    fresh.gemm(false, false, 2, 2, 2, Float32Array.of(1, 2, 3, 4), 0, Float32Array.of(5, 6, 7, 8), 0, c, 0, false);
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
  });
});
