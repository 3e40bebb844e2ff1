// Loads the WebAssembly SIMD kernels (compiled from ../../assembly/ into ../../wasm/gemm.wasm by
// the package build: GEMM, convolution, pooling) once, synchronously at module load because the
// kernels are synchronous, and lends callers its linear memory as a scratch arena. Any failure
// (no SIMD in this runtime, file not built, TRAINYARD_KERNELS=typescript) leaves `kernels` null
// and every caller keeps its TypeScript kernel.
import { readFileSync } from 'node:fs';
import { TensorError } from '../errors.js';

// The WebAssembly JS API's types live in lib.dom, which Node packages do not load (@types/node 20
// has none): declare the little used here.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  Memory: new (desc: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
};

/** A WebAssembly.Memory; the kernels' is shared, so its buffer is a SharedArrayBuffer. */
export interface WasmMemory {
  buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/** The module's exports; pointers are byte offsets into `memory`, booleans are 0/1. */
export interface KernelExports {
  memory: WasmMemory;
  heapStart(): number;
  workBytes(n: number): number;
  gemm(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    a: number,
    b: number,
    c: number,
    accumulate: number,
    work: number,
  ): void;
  gemmLd(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    accumulate: number,
    work: number,
  ): void;
  conv2dForward(
    g: number,
    x: number,
    w: number,
    bias: number,
    y: number,
    outC: number,
    relu: number,
    col: number,
    colImages: number,
    work: number,
    nBegin: number,
    nEnd: number,
  ): void;
  conv2dBackwardPrologue(g: number, dy: number, y: number, outC: number, db: number, dbAcc: number): void;
  conv2dBackwardPart(
    g: number,
    x: number,
    w: number,
    dy: number,
    outC: number,
    dx: number,
    dw: number,
    col: number,
    colImages: number,
    work: number,
    nBegin: number,
    nEnd: number,
    jBegin: number,
    jEnd: number,
  ): void;
  maxPoolForward(g: number, x: number, y: number, argmax: number): void;
  avgPoolForward(g: number, x: number, y: number): void;
  avgPoolBackward(g: number, dy: number, dx: number, tmp: number): void;
}

/** Where the build puts the module; the same relative path from src/kernels/ and dist/kernels/. */
export const GEMM_WASM_URL = new URL('../../wasm/gemm.wasm', import.meta.url);

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)): valid only where the
// runtime has 128-bit SIMD (the feature test of wasm-feature-detect).
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/** Whether this runtime validates WebAssembly 128-bit SIMD. */
export const simdSupported: boolean = (() => {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
})();

/** Why the TypeScript kernels run instead, or null when the WebAssembly ones do. */
export let fallbackReason: string | null = null;

/** The compiled module and its shared memory, for worker threads to instantiate (threads.ts). */
export let shared: { module: object; memory: WasmMemory } | null = null;

// One shared memory that worker threads instantiate the same module over (threads.ts). V8 reserves
// address space for its maximum up front, so a smaller one is tried where 4 GB (wasm32's limit)
// cannot be reserved.
function sharedMemory(): WasmMemory {
  for (const maximum of [65536, 16384]) {
    try {
      return new WebAssembly.Memory({ initial: 1, maximum, shared: true });
    } catch {
      // try the next size
    }
  }
  return new WebAssembly.Memory({ initial: 1, maximum: 4096, shared: true });
}

function instantiate(): KernelExports | null {
  // TRAINYARD_KERNELS=typescript forces the reference kernels (tests, benchmarks, debugging).
  if (globalThis.process?.env?.TRAINYARD_KERNELS === 'typescript') {
    fallbackReason = 'TRAINYARD_KERNELS=typescript';
    return null;
  }
  if (!simdSupported) {
    fallbackReason = 'WebAssembly SIMD unavailable';
    return null;
  }
  try {
    const memory = sharedMemory();
    const module = new WebAssembly.Module(readFileSync(GEMM_WASM_URL));
    const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
    shared = { module, memory };
    return ex;
  } catch (err) {
    fallbackReason = `WebAssembly kernels not loaded: ${(err as Error).message}`;
    return null;
  }
}

/** The loaded kernels, or null (see fallbackReason). */
export const kernels: KernelExports | null = instantiate();

const PAGE = 65536;
let f32: Float32Array<ArrayBufferLike> = new Float32Array(0);
let i32: Int32Array<ArrayBufferLike> = new Int32Array(0);
// Keeps typed-array views valid: a grown shared memory hands out a new, longer buffer.

const align = (bytes: number): number => (bytes + 63) & ~63;

// The most the kernels' memory may grow to (bytes); wasm32's own maximum is 4 GB.
let memoryLimit = Infinity;

/**
 * Caps the kernels' WebAssembly memory, which never shrinks: a kernel call whose scratch would
 * grow it past `bytes` throws TENSOR_MEMORY_LIMIT before growing. A training worker sets it to
 * the job's memory limit, so one huge product fails at once instead of after its allocation.
 */
export function setKernelMemoryLimit(bytes: number): void {
  memoryLimit = bytes;
}

/** Bytes of WebAssembly memory the kernels hold now in this thread's module (0 with the TypeScript kernels). */
export function kernelMemoryBytes(): number {
  return kernels ? kernels.memory.buffer.byteLength : 0;
}

/**
 * Lays out blocks of the given byte sizes one after another (64-byte aligned) after the module's
 * static data, growing memory when needed (never shrinking), and returns their byte offsets. The
 * arena is one call's scratch: the next reserve() reuses it. Re-read heapF32()/heapI32() after.
 */
export function reserve(ex: KernelExports, sizes: readonly number[]): number[] {
  const offsets: number[] = [];
  let end = align(ex.heapStart());
  for (const s of sizes) {
    offsets.push(end);
    end += align(s);
  }
  const have = ex.memory.buffer.byteLength;
  if (end > have && end > memoryLimit) {
    throw new TensorError(
      'TENSOR_MEMORY_LIMIT',
      `a kernel needs ${Math.ceil(end / 2 ** 20)} MB of WebAssembly memory, past the limit of ${Math.floor(memoryLimit / 2 ** 20)} MB`,
    );
  }
  if (end > have) ex.memory.grow(Math.ceil((end - have) / PAGE)); // throws RangeError past 4 GB
  // After a grow the memory hands out a new, longer buffer: re-view it.
  if (f32.buffer !== ex.memory.buffer) {
    f32 = new Float32Array(ex.memory.buffer);
    i32 = new Int32Array(ex.memory.buffer);
  }
  return offsets;
}

/** The module's memory as floats (valid until the next reserve()). */
export const heapF32 = (): Float32Array<ArrayBufferLike> => f32;
/** The module's memory as int32 (valid until the next reserve()). */
export const heapI32 = (): Int32Array<ArrayBufferLike> => i32;
