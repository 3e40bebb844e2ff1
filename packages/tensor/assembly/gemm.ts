// WebAssembly SIMD GEMM (AssemblyScript), the fast path behind src/kernels/gemm.ts.
//
// C[m,n] (+)= op(A)[m,k] · op(B)[k,n], row-major f32, same contract and GotoBLAS loop order as the
// TypeScript kernel: B is packed into KC×NR column panels (L2/L3), A into MC×KC row panels (L2),
// and a 4×8 micro-kernel keeps its 4×8 block of C in eight f32x4 accumulators, reading one NR-wide
// row of B (two v128 loads) and four broadcast values of A (load32_splat) per k. No FMA in
// baseline wasm SIMD, so each step is f32x4.mul + f32x4.add.
// Why 4×8 and no unrolling: V8 on x64 gives wasm 15 xmm registers and issues all loads of a k-step
// before its arithmetic, so 6×8 and 5×8 tiles (and a 2× unrolled 4×8) spilled accumulators to the
// stack: about 18 GFLOPS against 33 for this one on the project's machine.
//   nn: A stored [m,k], B stored [k,n]     tn: A stored [k,m]     nt: B stored [n,k]
// All pointers are byte offsets into this module's memory; the JavaScript side copies A, B and C
// in and out (src/kernels/gemm-wasm.ts) and passes scratch space of workBytes(n) bytes. The memory
// is shared with worker threads (src/kernels/threads.ts), so nothing here is static: each thread
// packs into, and computes edge tiles in, its own `work`.

const MR = 4;
const NR = 8;
const KC = 256;
const MC = 128; // a multiple of MR: the A panel (128 KB) stays in L2
const NC = 4096;

/** First byte after the static data, 64-byte aligned: the JavaScript side's arena starts here. */
export function heapStart(): usize {
  return (__heap_base + 63) & ~(63 as usize);
}

/** Bytes of scratch (packed panels, an edge tile) that gemm needs for a product with n columns. */
export function workBytes(n: i32): i32 {
  return MC * KC * 4 + KC * roundUp(min(n, NC), NR) * 4 + MR * NR * 4;
}

/** c (+)= op(a)·op(b), packed operands; `work` points at workBytes(n) bytes of 16-byte aligned scratch. */
export function gemm(transA: bool, transB: bool, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: bool, work: usize): void {
  gemmLd(transA, transB, m, n, k, a, transA ? m : k, b, transB ? k : n, c, n, accumulate, work);
}

/**
 * gemm over sub-matrices: lda, ldb, ldc are the stored row lengths (in floats) of a, b and c, so a
 * thread can compute a block of rows or columns of C in place. Each element of C gets the same
 * value whatever block it is computed in (its k-sum does not depend on m or n).
 */
export function gemmLd(transA: bool, transB: bool, m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool, work: usize): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) for (let i = 0; i < m; i++) memory.fill(c + <usize>i * ldc * 4, 0, <usize>n * 4);
    return;
  }
  const packA = work;
  const packB = work + MC * KC * 4;
  const edge = packB + KC * roundUp(min(n, NC), NR) * 4;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const addC = accumulate || pc > 0;
      if (transB) packBT(b, ldb, pc, kc, jc, nc, packB);
      else packBN(b, ldb, pc, kc, jc, nc, packB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        if (transA) packAT(a, lda, pc, kc, ic, mc, packA);
        else packAN(a, lda, pc, kc, ic, mc, packA);
        macroKernel(mc, nc, kc, packA, packB, c + ((<usize>ic * ldc + jc) << 2), ldc, addC, edge);
      }
    }
  }
}

@inline function roundUp(x: i32, to: i32): i32 {
  return ((x + to - 1) / to) * to;
}

// A stored [m,k] (lda = k): each MR-row strip becomes kc groups of MR values, zero-padded rows.
function packAN(a: usize, lda: i32, pc: i32, kc: i32, ic: i32, mc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const base = a + ((<usize>(ic + ir) * lda + pc) << 2);
    const stride = <usize>lda << 2;
    if (rows == MR) {
      for (let p = 0; p < kc; p++) {
        const s = base + (<usize>p << 2);
        for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>r << 2), load<f32>(s + <usize>r * stride));
        dst += MR * 4;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          store<f32>(dst + (<usize>r << 2), r < rows ? load<f32>(base + <usize>r * stride + (<usize>p << 2)) : 0);
        }
        dst += MR * 4;
      }
    }
  }
}

// A stored [k,m]: the MR values of one k are already contiguous.
function packAT(a: usize, m: i32, pc: i32, kc: i32, ic: i32, mc: i32, dst: usize): void {
  const stride = <usize>m << 2;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    let src = a + ((<usize>pc * m + ic + ir) << 2);
    if (rows == MR) {
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src)); // MR == 4
        dst += MR * 4;
        src += stride;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>r << 2), r < rows ? load<f32>(src + (<usize>r << 2)) : 0);
        dst += MR * 4;
        src += stride;
      }
    }
  }
}

// B stored [k,n]: each NR-column strip becomes kc rows of NR values (two v128), zero-padded.
function packBN(b: usize, n: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  const stride = <usize>n << 2;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    let src = b + ((<usize>pc * n + jc + jr) << 2);
    if (cols == NR) {
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += NR * 4;
        src += stride;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let q = 0; q < NR; q++) store<f32>(dst + (<usize>q << 2), q < cols ? load<f32>(src + (<usize>q << 2)) : 0);
        dst += NR * 4;
        src += stride;
      }
    }
  }
}

// B stored [n,k]: each of the NR rows is read along k.
function packBT(b: usize, k: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  const stride = <usize>k << 2;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const base = b + ((<usize>(jc + jr) * k + pc) << 2);
    if (cols == NR) {
      for (let p = 0; p < kc; p++) {
        const s = base + (<usize>p << 2);
        store<f32>(dst, load<f32>(s));
        store<f32>(dst, load<f32>(s + stride), 4);
        store<f32>(dst, load<f32>(s + 2 * stride), 8);
        store<f32>(dst, load<f32>(s + 3 * stride), 12);
        store<f32>(dst, load<f32>(s + 4 * stride), 16);
        store<f32>(dst, load<f32>(s + 5 * stride), 20);
        store<f32>(dst, load<f32>(s + 6 * stride), 24);
        store<f32>(dst, load<f32>(s + 7 * stride), 28);
        dst += NR * 4;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let q = 0; q < NR; q++) store<f32>(dst + (<usize>q << 2), q < cols ? load<f32>(base + <usize>q * stride + (<usize>p << 2)) : 0);
        dst += NR * 4;
      }
    }
  }
}

function macroKernel(mc: i32, nc: i32, kc: i32, packA: usize, packB: usize, c: usize, ldc: i32, addC: bool, edge: usize): void {
  const ldcBytes = <usize>ldc << 2;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const pb = packB + (<usize>jr * kc << 2);
    for (let ir = 0; ir < mc; ir += MR) {
      const rows = min(MR, mc - ir);
      const pa = packA + (<usize>ir * kc << 2);
      const pc = c + <usize>ir * ldcBytes + (<usize>jr << 2);
      if (rows == MR && cols == NR) micro4x8(kc, pa, pb, pc, ldcBytes, addC);
      else microEdge(kc, pa, pb, pc, ldcBytes, addC, rows, cols, edge);
    }
  }
}

// The padded panels make a full 6×8 product well defined; only the valid rows/cols are copied.
function microEdge(kc: i32, pa: usize, pb: usize, c: usize, ldcBytes: usize, addC: bool, rows: i32, cols: i32, EDGE: usize): void {
  if (addC) {
    memory.fill(EDGE, 0, MR * NR * 4);
    for (let r = 0; r < rows; r++) memory.copy(EDGE + r * NR * 4, c + <usize>r * ldcBytes, <usize>cols << 2);
  }
  micro4x8(kc, pa, pb, EDGE, NR * 4, addC);
  for (let r = 0; r < rows; r++) memory.copy(c + <usize>r * ldcBytes, EDGE + r * NR * 4, <usize>cols << 2);
}

function micro4x8(kc: i32, pa: usize, pb: usize, c: usize, ldcBytes: usize, addC: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = pb + (<usize>kc << 5);
  while (pb < end) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    pa += MR * 4;
    pb += NR * 4;
  }
  if (addC) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  c += ldcBytes;
  if (addC) {
    c10 = f32x4.add(c10, v128.load(c)); c11 = f32x4.add(c11, v128.load(c, 16));
  }
  v128.store(c, c10); v128.store(c, c11, 16);
  c += ldcBytes;
  if (addC) {
    c20 = f32x4.add(c20, v128.load(c)); c21 = f32x4.add(c21, v128.load(c, 16));
  }
  v128.store(c, c20); v128.store(c, c21, 16);
  c += ldcBytes;
  if (addC) {
    c30 = f32x4.add(c30, v128.load(c)); c31 = f32x4.add(c31, v128.load(c, 16));
  }
  v128.store(c, c30); v128.store(c, c31, 16);
}
