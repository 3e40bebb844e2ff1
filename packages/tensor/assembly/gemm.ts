// WebAssembly SIMD GEMM (AssemblyScript), the fast path behind src/kernels/gemm.ts.
//
// C[m,n] (+)= op(A)[m,k] · op(B)[k,n], row-major f32, same contract and GotoBLAS blocking as the
// TypeScript kernel: B is packed into KC×NR column strips (a KC×NC panel), A into MR×KC row strips
// (an MC×KC block), and a 4×8 micro-kernel keeps its 4×8 block of C in eight f32x4 accumulators,
// reading one NR-wide row of B (two v128 loads) and four broadcast values of A (load32_splat) per
// k. No FMA in baseline wasm SIMD, so each step is f32x4.mul + f32x4.add. Products with at least
// SPLAT_MIN_N columns pack A pre-broadcast instead (every value four times), so the micro-kernel
// reads it with plain v128 loads (micro4x8Splat); narrower ones (the conv layers' outC ≤ 64) feed
// too few tiles per A strip to repay the fourfold packing.
//   nn: A stored [m,k], B stored [k,n]     tn: A stored [k,m]     nt: B stored [n,k]
//
// Why it is built this way (the measurements are in BENCHMARKS.md, "Kernel measurement history"):
// - 4×8 is the fastest block tried: taller ones (5×8, 6×8) run out of V8's usable xmm registers,
//   and the micro-kernel is bound by instruction issue, close to the core's 128-bit peak; other
//   shapes, unrolling and splat variants were no faster.
// - Each MR-row strip of A (4 KB, in L1) sweeps the whole packed B panel (streamed from L2) and C
//   is walked along its rows; the classic order reads C down a column, all in one L1 set.
// - NC = 1024 keeps that 1 MB B panel within a 2 MB L2; KC = 256 keeps a B strip (8 KB) and an A
//   strip (4 KB) together in L1.
// - The [·,k] sources (A for nn, B for nt) are packed four k at a time through a 4×4 in-register
//   transpose; the strided [k,·] sources stay strip by strip (wider packing did not pay).
//
// All pointers are byte offsets into this module's memory; the JavaScript side copies A, B and C
// in and out (src/kernels/gemm-wasm.ts) and passes scratch space of workBytes(n) bytes. The memory
// is shared with worker threads (src/kernels/threads.ts), so nothing here is static: each thread
// packs into, and computes edge tiles in, its own `work`.

const MR = 4;
const NR = 8;
const KC = 256;
const MC = 128; // a multiple of MR; only bounds the scratch (one MR×KC strip is hot at a time)
const NC = 1024; // the KC×NC B panel (1 MB) stays in L2
const SPLAT_MIN_N = 128; // from this many columns of C, A is packed pre-broadcast

/** First byte after the static data, 64-byte aligned: the JavaScript side's arena starts here. */
export function heapStart(): usize {
  return (__heap_base + 63) & ~(63 as usize);
}

/** Bytes of scratch (packed panels, an edge tile) that gemm needs for a product with n columns. */
export function workBytes(n: i32): i32 {
  return MC * KC * 16 + KC * roundUp(min(n, NC), NR) * 4 + MR * NR * 4;
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
  const packB = work + MC * KC * 16; // room for a pre-broadcast A block
  // Wide products pack A pre-broadcast (see micro4x8Splat): each A strip then feeds n/8 tiles,
  // which repays writing it four times; at n ≤ 64 (conv layers' outC) the plain strips win.
  const splat = n >= SPLAT_MIN_N;
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
        if (splat) {
          if (transA) packATSplat(a, lda, pc, kc, ic, mc, packA);
          else packANSplat(a, lda, pc, kc, ic, mc, packA);
        } else if (transA) packAT(a, lda, pc, kc, ic, mc, packA);
        else packAN(a, lda, pc, kc, ic, mc, packA);
        macroKernel(mc, nc, kc, packA, packB, c + ((<usize>ic * ldc + jc) << 2), ldc, addC, edge, splat);
      }
    }
  }
}

// Four rows of four floats (src, src + stride, …) written as four columns: dst, dst + step, ….
@inline function transpose4x4(src: usize, stride: usize, dst: usize, step: usize): void {
  const r0 = v128.load(src);
  const r1 = v128.load(src + stride);
  const r2 = v128.load(src + 2 * stride);
  const r3 = v128.load(src + 3 * stride);
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i64x2.shuffle(t0, t1, 0, 2));
  v128.store(dst + step, i64x2.shuffle(t0, t1, 1, 3));
  v128.store(dst + 2 * step, i64x2.shuffle(t2, t3, 0, 2));
  v128.store(dst + 3 * step, i64x2.shuffle(t2, t3, 1, 3));
}

@inline function roundUp(x: i32, to: i32): i32 {
  return ((x + to - 1) / to) * to;
}

// A stored [m,k] (lda = k): each MR-row strip becomes kc groups of MR values, zero-padded rows.
// Full strips read four k at a time from each row and transpose the 4×4 block in registers.
function packAN(a: usize, lda: i32, pc: i32, kc: i32, ic: i32, mc: i32, dst: usize): void {
  const stride = <usize>lda << 2;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const base = a + ((<usize>(ic + ir) * lda + pc) << 2);
    if (rows == MR) {
      let s = base;
      const end4 = base + (<usize>(kc & ~3) << 2);
      while (s < end4) {
        transpose4x4(s, stride, dst, MR * 4);
        dst += 4 * MR * 4;
        s += 16;
      }
      for (let p = kc & ~3; p < kc; p++) {
        const q = base + (<usize>p << 2);
        for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>r << 2), load<f32>(q + <usize>r * stride));
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

// Pre-broadcast strips (micro4x8Splat): each k of an MR-row strip is MR vectors, each one value
// of A four times, zero vectors for missing rows. A stored [m,k]:
function packANSplat(a: usize, lda: i32, pc: i32, kc: i32, ic: i32, mc: i32, dst: usize): void {
  const stride = <usize>lda << 2;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    let src = a + ((<usize>(ic + ir) * lda + pc) << 2);
    for (let p = 0; p < kc; p++) {
      for (let r = 0; r < MR; r++) v128.store(dst + (<usize>r << 4), r < rows ? v128.load32_splat(src + <usize>r * stride) : f32x4.splat(0));
      dst += MR * 16;
      src += 4;
    }
  }
}

// A stored [k,m], pre-broadcast.
function packATSplat(a: usize, m: i32, pc: i32, kc: i32, ic: i32, mc: i32, dst: usize): void {
  const stride = <usize>m << 2;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    let src = a + ((<usize>pc * m + ic + ir) << 2);
    for (let p = 0; p < kc; p++) {
      for (let r = 0; r < MR; r++) v128.store(dst + (<usize>r << 4), r < rows ? v128.load32_splat(src + (<usize>r << 2)) : f32x4.splat(0));
      dst += MR * 16;
      src += stride;
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

// B stored [n,k]: each of the NR rows is read along k, four k at a time, as two 4×4 transposes.
function packBT(b: usize, k: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  const stride = <usize>k << 2;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const base = b + ((<usize>(jc + jr) * k + pc) << 2);
    if (cols == NR) {
      let s = base;
      const end4 = base + (<usize>(kc & ~3) << 2);
      while (s < end4) {
        for (let h = 0; h < 2; h++) {
          transpose4x4(s + <usize>h * 4 * stride, stride, dst + (<usize>h << 4), NR * 4);
        }
        dst += 4 * NR * 4;
        s += 16;
      }
      for (let p = kc & ~3; p < kc; p++) {
        const q = base + (<usize>p << 2);
        for (let r = 0; r < NR; r++) store<f32>(dst + (<usize>r << 2), load<f32>(q + <usize>r * stride));
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

// One A strip (L1) against the whole B panel (L2), along the rows of C (see the top of the file).
function macroKernel(mc: i32, nc: i32, kc: i32, packA: usize, packB: usize, c: usize, ldc: i32, addC: bool, edge: usize, splat: bool): void {
  const ldcBytes = <usize>ldc << 2;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const pa = packA + ((<usize>ir * kc) << (splat ? 4 : 2));
    for (let jr = 0; jr < nc; jr += NR) {
      const cols = min(NR, nc - jr);
      const pb = packB + (<usize>jr * kc << 2);
      const pc = c + <usize>ir * ldcBytes + (<usize>jr << 2);
      if (rows == MR && cols == NR) {
        if (splat) micro4x8Splat(kc, pa, pb, pc, ldcBytes, addC);
        else micro4x8(kc, pa, pb, pc, ldcBytes, addC);
      } else microEdge(kc, pa, pb, pc, ldcBytes, addC, rows, cols, edge, splat);
    }
  }
}

// The padded panels make a full 4×8 product well defined; only the valid rows/cols are copied.
function microEdge(kc: i32, pa: usize, pb: usize, c: usize, ldcBytes: usize, addC: bool, rows: i32, cols: i32, EDGE: usize, splat: bool): void {
  if (addC) {
    memory.fill(EDGE, 0, MR * NR * 4);
    for (let r = 0; r < rows; r++) memory.copy(EDGE + r * NR * 4, c + <usize>r * ldcBytes, <usize>cols << 2);
  }
  if (splat) micro4x8Splat(kc, pa, pb, EDGE, NR * 4, addC);
  else micro4x8(kc, pa, pb, EDGE, NR * 4, addC);
  for (let r = 0; r < rows; r++) memory.copy(c + <usize>r * ldcBytes, EDGE + r * NR * 4, <usize>cols << 2);
}

function micro4x8(kc: i32, pa: usize, pb: usize, c: usize, ldcBytes: usize, addC: bool): void {
  micro(kc, pa, pb, c, ldcBytes, addC, false);
}

// Same sums, in the same order, from A strips packed pre-broadcast (packANSplat/packATSplat):
// V8 folds a v128.load's offset into its address but computes each load32_splat's address with
// an extra instruction, and this loop is bound by how fast the core issues instructions.
function micro4x8Splat(kc: i32, pa: usize, pb: usize, c: usize, ldcBytes: usize, addC: bool): void {
  micro(kc, pa, pb, c, ldcBytes, addC, true);
}

// The 4×8 micro-kernel; inlined into the two above with a constant `splat`, so each gets a loop
// with only its own kind of A load.
@inline function micro(kc: i32, pa: usize, pb: usize, c: usize, ldcBytes: usize, addC: bool, splat: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = pb + (<usize>kc << 5);
  while (pb < end) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = splat ? v128.load(pa) : v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = splat ? v128.load(pa, 16) : v128.load32_splat(pa, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = splat ? v128.load(pa, 32) : v128.load32_splat(pa, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = splat ? v128.load(pa, 48) : v128.load32_splat(pa, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    pa += splat ? MR * 16 : MR * 4;
    pb += NR * 4;
  }
  storeTile(c, ldcBytes, addC, c00, c01, c10, c11, c20, c21, c30, c31);
}

// Writes a 4×8 tile of accumulators to C (adding C's values first when addC).
@inline function storeTile(c: usize, ldcBytes: usize, addC: bool, c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128): void {
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
