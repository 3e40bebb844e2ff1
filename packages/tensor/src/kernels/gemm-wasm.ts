// The WebAssembly SIMD GEMM (compiled from ../../assembly/gemm.ts, loaded by wasm-module.ts): moves
// operands through the module's linear memory. `gemmWasm` is null when the module did not load,
// and the caller keeps the TypeScript kernel.
import { parallel, splitRange, threadCount, type Call } from './threads.js';
import { heapF32, kernels, reserve, type KernelExports } from './wasm-module.js';

export { GEMM_WASM_URL } from './wasm-module.js';

// One call's operands are copied in chunks of at most this many floats of A plus C (nn/nt split
// the rows of A and C, tn splits k), so the module's memory stays bounded for im2col matrices.
const CHUNK_FLOATS = 1 << 21;

const wasm = kernels;

// Below this many multiply-adds a product stays on one thread: waking an idle worker (a futex
// wake) costs more than the split saves (BENCHMARKS.md, "Kernel measurement history"). Workers
// sleep at once rather than polling first, which would make waking cheap: with polling, runs hung
// for reasons not found (docs/architecture.md, "Known issues").
const PARALLEL_MIN = 1 << 22;

// One product whose operands are the given contiguous spans. With several threads C is split
// along its longer side: rows in multiples of the micro-kernel's 4, or columns in multiples of its
// 8, so each thread packs only its share of the larger operand (split by rows, a training batch's
// 64 rows against a 784×256 weight matrix had both threads pack all of B). Each element's k-sum
// runs in the same order whatever the split, so results do not depend on it.
function run(
  ex: KernelExports,
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
  const byColumns = n > m;
  const t = m * n * k >= PARALLEL_MIN ? Math.min(threadCount(), byColumns ? Math.ceil(n / 8) : Math.ceil(m / 4)) : 1;
  const workBytes = ex.workBytes(n);
  const [pa, pb, pc, work] = reserve(ex, [m * k * 4, k * n * 4, m * n * 4, workBytes * t]);
  const heap = heapF32();
  heap.set(a.subarray(aOff, aOff + m * k), pa >> 2);
  heap.set(b.subarray(bOff, bOff + k * n), pb >> 2);
  if (accumulate) heap.set(c.subarray(cOff, cOff + m * n), pc >> 2);
  if (t === 1) {
    ex.gemm(+transA, +transB, m, n, k, pa, pb, pc, +accumulate, work);
  } else {
    const lda = transA ? m : k;
    const ldb = transB ? k : n;
    const calls: Call[] = byColumns
      ? splitRange(n, t, 8).map(([j0, j1], i) => [
          'gemmLd',
          [
            +transA,
            +transB,
            m,
            j1 - j0,
            k,
            pa,
            lda,
            pb + (transB ? j0 * ldb : j0) * 4,
            ldb,
            pc + j0 * 4,
            n,
            +accumulate,
            work + i * workBytes,
          ],
        ])
      : splitRange(m, t, 4).map(([i0, i1], i) => [
          'gemmLd',
          [
            +transA,
            +transB,
            i1 - i0,
            n,
            k,
            pa + (transA ? i0 : i0 * lda) * 4,
            lda,
            pb,
            ldb,
            pc + i0 * n * 4,
            n,
            +accumulate,
            work + i * workBytes,
          ],
        ]);
    parallel(ex, calls);
  }
  c.set(heap.subarray(pc >> 2, (pc >> 2) + m * n), cOff);
}

function gemmChunked(
  ex: KernelExports,
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
  if (transA && transB) {
    run(ex, true, true, m, n, k, a, aOff, b, bOff, c, cOff, accumulate); // rare (matmul's gradients): unsplit
  } else if (!transA) {
    // Rows of A ([m,k]) and of C are contiguous: split m.
    const step = Math.max(1, Math.floor(CHUNK_FLOATS / (k + n)));
    for (let i = 0; i < m; i += step) {
      const rows = Math.min(step, m - i);
      run(ex, false, transB, rows, n, k, a, aOff + i * k, b, bOff, c, cOff + i * n, accumulate);
    }
  } else {
    // A stored [k,m] and B stored [k,n]: split k, accumulating into C after the first chunk.
    const step = Math.max(256, Math.floor((CHUNK_FLOATS - m * n) / (m + n) / 256) * 256); // whole KC blocks
    if (k === 0) run(ex, true, false, m, n, 0, a, aOff, b, bOff, c, cOff, accumulate);
    for (let p = 0; p < k; p += step) {
      const depth = Math.min(step, k - p);
      run(ex, true, false, m, n, depth, a, aOff + p * m, b, bOff + p * n, c, cOff, accumulate || p > 0);
    }
  }
}

/** The signature shared by every GEMM kernel (see `gemm` in gemm.ts). */
export type GemmFn = (
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
) => void;

/**
 * The WebAssembly SIMD GEMM, or null when the module could not be loaded (not built, no SIMD
 * support, or TRAINYARD_KERNELS=typescript).
 */
export const gemmWasm: GemmFn | null = wasm
  ? (transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate) => {
      if (m === 0 || n === 0) return;
      gemmChunked(wasm, transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    }
  : null;
