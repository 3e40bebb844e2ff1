// Loads the WebAssembly SIMD GEMM (compiled from ../../assembly/gemm.ts into ../../wasm/ by the
// package build) and moves operands through its linear memory. Loading is synchronous, at module
// load, because gemm is synchronous; any failure (file not built, no SIMD) leaves `gemmWasm` null
// and the caller keeps the TypeScript kernel.
import { readFileSync } from 'node:fs';

// The WebAssembly JS API's types live in lib.dom, which Node packages do not load (@types/node 20
// has none): declare the little used here.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
};

interface GemmExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  heapStart(): number;
  workBytes(n: number): number;
  gemm(transA: number, transB: number, m: number, n: number, k: number, a: number, b: number, c: number, accumulate: number, work: number): void;
}

/** Where the build puts the module; the same relative path from src/kernels/ and dist/kernels/. */
export const GEMM_WASM_URL = new URL('../../wasm/gemm.wasm', import.meta.url);

// One call's operands are copied in chunks of at most this many floats of A plus C (nn/nt split
// the rows of A and C, tn splits k), so the module's memory stays bounded for im2col matrices.
const CHUNK_FLOATS = 1 << 21;
const PAGE = 65536;

function instantiate(): GemmExports | null {
  // TRAINYARD_KERNELS=typescript forces the reference kernels (tests, benchmarks, debugging).
  if (globalThis.process?.env?.TRAINYARD_KERNELS === 'typescript') return null;
  try {
    const module = new WebAssembly.Module(readFileSync(GEMM_WASM_URL));
    return new WebAssembly.Instance(module, {}).exports as unknown as GemmExports;
  } catch {
    return null;
  }
}

const wasm = instantiate();
let heap = new Float32Array(0);

const align = (bytes: number): number => (bytes + 63) & ~63;

// Lays out [A | B | C | work] after the module's static data, growing memory when needed (never
// shrinking), and returns the byte offsets. After a grow the old buffer is detached: re-view it.
function arena(ex: GemmExports, aLen: number, bLen: number, cLen: number, n: number) {
  const a = ex.heapStart();
  const b = a + align(aLen * 4);
  const c = b + align(bLen * 4);
  const work = c + align(cLen * 4);
  const end = work + ex.workBytes(n);
  const have = ex.memory.buffer.byteLength;
  if (end > have) ex.memory.grow(Math.ceil((end - have) / PAGE));
  if (heap.buffer !== ex.memory.buffer) heap = new Float32Array(ex.memory.buffer);
  return { a, b, c, work };
}

// One product whose operands are the given contiguous spans.
function run(ex: GemmExports, transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, accumulate: boolean): void {
  const p = arena(ex, m * k, k * n, m * n, n);
  heap.set(a.subarray(aOff, aOff + m * k), p.a >> 2);
  heap.set(b.subarray(bOff, bOff + k * n), p.b >> 2);
  if (accumulate) heap.set(c.subarray(cOff, cOff + m * n), p.c >> 2);
  ex.gemm(+transA, +transB, m, n, k, p.a, p.b, p.c, +accumulate, p.work);
  c.set(heap.subarray(p.c >> 2, (p.c >> 2) + m * n), cOff);
}

function gemmChunked(ex: GemmExports, transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, accumulate: boolean): void {
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
export type GemmFn = (transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, accumulate: boolean) => void;

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
