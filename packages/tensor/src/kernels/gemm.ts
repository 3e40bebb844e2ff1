// Single-precision GEMM: `gemm` dispatches to the WebAssembly SIMD kernel (gemm-wasm.ts, built from
// ../../assembly/gemm.ts) when it loaded, and otherwise to `gemmTs` below, the cache-blocked
// pure-TypeScript kernel (GotoBLAS loop order) that also serves as the reference in tests.
//
// C[m,n] (+)= op(A)[m,k] · op(B)[k,n], row-major. The three training variants differ only in how
// panels are packed, so one register-blocked micro-kernel serves all of them:
//   nn: A stored [m,k], B stored [k,n]   (forward)
//   tn: A stored [k,m], B stored [k,n]   (weight gradient Xᵀ·G)
//   nt: A stored [m,k], B stored [n,k]   (input gradient G·Wᵀ)
// Packed panels are Float64Array: the micro-kernel then loads doubles directly, avoiding a
// float32→float64 conversion per load in its inner loop (V8 computes in doubles anyway).

import { gemmWasm } from './gemm-wasm.js';

/** Which kernel `gemm` runs: 'wasm-simd' unless the module is missing, unsupported or overridden. */
export const gemmEngine: 'wasm-simd' | 'typescript' = gemmWasm ? 'wasm-simd' : 'typescript';

/**
 * General matrix multiply: c[cOff..] (+)= op(a)·op(b). `transA` means `a` is stored [k,m],
 * `transB` means `b` is stored [n,k]. With `accumulate` false, C is overwritten.
 */
export function gemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
  accumulate: boolean,
): void {
  // No size threshold, although TypeScript wins below about 8×8×8 (0.1 µs against 0.4 µs for 4×4×4):
  // the kernels round differently, and a row of C must not depend on how many rows came with it
  // (predicting in batches must equal predicting at once).
  if (gemmWasm) gemmWasm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
  else gemmTs(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
}

const MR = 4;
const NR = 4;
const KC = 256;
const MC = 64;
const NC = 2048;

const packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * NC);

/** The pure-TypeScript kernel behind `gemm`: the fallback, and the reference in tests. */
export function gemmTs(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
  accumulate: boolean,
): void {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    if (!accumulate) c.fill(0, cOff, cOff + m * n);
    return;
  }
  const nc0 = Math.min(NC, roundUp(n, NR));
  if (packB.length < KC * nc0) packB = new Float64Array(KC * nc0);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      const acc = accumulate || pc > 0;
      if (transB) packBT(b, bOff, k, pc, kc, jc, nc);
      else packBN(b, bOff, n, pc, kc, jc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        if (transA) packAT(a, aOff, m, pc, kc, ic, mc);
        else packAN(a, aOff, k, pc, kc, ic, mc);
        macroKernel(mc, nc, kc, c, cOff + ic * n + jc, n, acc);
      }
    }
  }
}

/** C = A·B with A [m,k], B [k,n]. */
export function gemmNN(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  accumulate = false,
): void {
  gemm(false, false, m, n, k, a, 0, b, 0, c, 0, accumulate);
}

/** C = Aᵀ·B with A stored [k,m], B [k,n]. */
export function gemmTN(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  accumulate = false,
): void {
  gemm(true, false, m, n, k, a, 0, b, 0, c, 0, accumulate);
}

/** C = A·Bᵀ with A [m,k], B stored [n,k]. */
export function gemmNT(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  accumulate = false,
): void {
  gemm(false, true, m, n, k, a, 0, b, 0, c, 0, accumulate);
}

function roundUp(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}

// Row panels of A: for each MR-row strip, kc groups of MR values (zero-padded at the edge).
function packAN(a: Float32Array, aOff: number, lda: number, pc: number, kc: number, ic: number, mc: number): void {
  const dst = packA;
  let d = 0;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = Math.min(MR, mc - ir);
    const base = aOff + (ic + ir) * lda + pc;
    if (rows === MR) {
      const r0 = base,
        r1 = base + lda,
        r2 = base + 2 * lda,
        r3 = base + 3 * lda;
      for (let p = 0; p < kc; p++) {
        dst[d] = a[r0 + p];
        dst[d + 1] = a[r1 + p];
        dst[d + 2] = a[r2 + p];
        dst[d + 3] = a[r3 + p];
        d += MR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) dst[d + r] = r < rows ? a[base + r * lda + p] : 0;
        d += MR;
      }
    }
  }
}

// A stored [k,m]: the MR values of one k are contiguous, so packing is a strided copy of rows.
function packAT(a: Float32Array, aOff: number, m: number, pc: number, kc: number, ic: number, mc: number): void {
  const dst = packA;
  let d = 0;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = Math.min(MR, mc - ir);
    let src = aOff + pc * m + ic + ir;
    if (rows === MR) {
      for (let p = 0; p < kc; p++) {
        dst[d] = a[src];
        dst[d + 1] = a[src + 1];
        dst[d + 2] = a[src + 2];
        dst[d + 3] = a[src + 3];
        d += MR;
        src += m;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) dst[d + r] = r < rows ? a[src + r] : 0;
        d += MR;
        src += m;
      }
    }
  }
}

// Column panels of B stored [k,n]: for each NR-column strip, kc groups of NR values.
function packBN(b: Float32Array, bOff: number, n: number, pc: number, kc: number, jc: number, nc: number): void {
  const dst = packB;
  let d = 0;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = Math.min(NR, nc - jr);
    let src = bOff + pc * n + jc + jr;
    if (cols === NR) {
      for (let p = 0; p < kc; p++) {
        dst[d] = b[src];
        dst[d + 1] = b[src + 1];
        dst[d + 2] = b[src + 2];
        dst[d + 3] = b[src + 3];
        d += NR;
        src += n;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let q = 0; q < NR; q++) dst[d + q] = q < cols ? b[src + q] : 0;
        d += NR;
        src += n;
      }
    }
  }
}

// B stored [n,k]: each of the NR rows is read contiguously along k.
function packBT(b: Float32Array, bOff: number, k: number, pc: number, kc: number, jc: number, nc: number): void {
  const dst = packB;
  let d = 0;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = Math.min(NR, nc - jr);
    const base = bOff + (jc + jr) * k + pc;
    if (cols === NR) {
      const r0 = base,
        r1 = base + k,
        r2 = base + 2 * k,
        r3 = base + 3 * k;
      for (let p = 0; p < kc; p++) {
        dst[d] = b[r0 + p];
        dst[d + 1] = b[r1 + p];
        dst[d + 2] = b[r2 + p];
        dst[d + 3] = b[r3 + p];
        d += NR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let q = 0; q < NR; q++) dst[d + q] = q < cols ? b[base + q * k + p] : 0;
        d += NR;
      }
    }
  }
}

function macroKernel(
  mc: number,
  nc: number,
  kc: number,
  c: Float32Array,
  cOff: number,
  ldc: number,
  acc: boolean,
): void {
  const ap = packA;
  const bp = packB;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = Math.min(NR, nc - jr);
    const bOff = jr * kc;
    for (let ir = 0; ir < mc; ir += MR) {
      const rows = Math.min(MR, mc - ir);
      const aOff = ir * kc;
      const cIdx = cOff + ir * ldc + jr;
      if (rows === MR && cols === NR) micro4x4(kc, ap, aOff, bp, bOff, c, cIdx, ldc, acc);
      else microEdge(kc, ap, aOff, bp, bOff, c, cIdx, ldc, acc, rows, cols);
    }
  }
}

// The 4×4 register block written out by hand, sixteen accumulators in locals: long because unrolled.
// eslint-disable-next-line max-lines-per-function -- a documented kernel (issue 14 exempts them)
function micro4x4(
  kc: number,
  ap: Float64Array,
  aOff: number,
  bp: Float64Array,
  bOff: number,
  c: Float32Array,
  ci: number,
  ldc: number,
  acc: boolean,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  let pa = aOff;
  let pb = bOff;
  const end = aOff + kc * MR;
  while (pa < end) {
    const a0 = ap[pa],
      a1 = ap[pa + 1],
      a2 = ap[pa + 2],
      a3 = ap[pa + 3];
    const b0 = bp[pb],
      b1 = bp[pb + 1],
      b2 = bp[pb + 2],
      b3 = bp[pb + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    pa += MR;
    pb += NR;
  }
  const r1 = ci + ldc,
    r2 = r1 + ldc,
    r3 = r2 + ldc;
  if (acc) {
    c[ci] += c00;
    c[ci + 1] += c01;
    c[ci + 2] += c02;
    c[ci + 3] += c03;
    c[r1] += c10;
    c[r1 + 1] += c11;
    c[r1 + 2] += c12;
    c[r1 + 3] += c13;
    c[r2] += c20;
    c[r2 + 1] += c21;
    c[r2 + 2] += c22;
    c[r2 + 3] += c23;
    c[r3] += c30;
    c[r3 + 1] += c31;
    c[r3 + 2] += c32;
    c[r3 + 3] += c33;
  } else {
    c[ci] = c00;
    c[ci + 1] = c01;
    c[ci + 2] = c02;
    c[ci + 3] = c03;
    c[r1] = c10;
    c[r1 + 1] = c11;
    c[r1 + 2] = c12;
    c[r1 + 3] = c13;
    c[r2] = c20;
    c[r2 + 1] = c21;
    c[r2 + 2] = c22;
    c[r2 + 3] = c23;
    c[r3] = c30;
    c[r3 + 1] = c31;
    c[r3 + 2] = c32;
    c[r3 + 3] = c33;
  }
}

// Partial tile at the right/bottom edge: the padded panels make a full 4×4 product well-defined,
// so the fast micro-kernel computes it into a scratch tile (seeded with C's values when
// accumulating, so C still gets one rounding) and only the valid rows/cols are copied back.
const edge = new Float32Array(MR * NR);

function microEdge(
  kc: number,
  ap: Float64Array,
  aOff: number,
  bp: Float64Array,
  bOff: number,
  c: Float32Array,
  ci: number,
  ldc: number,
  acc: boolean,
  rows: number,
  cols: number,
): void {
  if (acc) {
    edge.fill(0);
    for (let r = 0; r < rows; r++) for (let q = 0; q < cols; q++) edge[r * NR + q] = c[ci + r * ldc + q];
  }
  micro4x4(kc, ap, aOff, bp, bOff, edge, 0, NR, acc);
  for (let r = 0; r < rows; r++) {
    const row = ci + r * ldc;
    for (let q = 0; q < cols; q++) c[row + q] = edge[r * NR + q];
  }
}
