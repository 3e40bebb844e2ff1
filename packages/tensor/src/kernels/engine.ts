// What the engine runs on, for the job's first event and for benchmarks.
import { fallbackReason, kernels, simdSupported } from './wasm-module.js';
export { kernelMemoryBytes, setKernelMemoryLimit } from './wasm-module.js';
import { setThreads as setKernelThreads, threadCount } from './threads.js';

/** The kernels in use and how many threads they run on. */
export interface EngineInfo {
  /** 'wasm-simd': GEMM, convolution and pooling in WebAssembly SIMD; 'typescript': the reference kernels. */
  kernels: 'wasm-simd' | 'typescript';
  threads: number;
  /** Whether this runtime supports WebAssembly 128-bit SIMD at all. */
  simd: boolean;
  /** Why the TypeScript kernels run, when they do. */
  reason?: string;
}

/** Example: `engineInfo()` → `{ kernels: 'wasm-simd', threads: 2, simd: true }`. */
export function engineInfo(): EngineInfo {
  const info: EngineInfo = {
    kernels: kernels ? 'wasm-simd' : 'typescript',
    threads: threadCount(),
    simd: simdSupported,
  };
  if (fallbackReason) info.reason = fallbackReason;
  return info;
}

/**
 * Sets the number of threads GEMM and convolution split across (worker threads sharing the
 * WebAssembly memory); 1, the default, uses the calling thread only. Returns the number in effect
 * (1 with the TypeScript kernels). A caller running `concurrency` jobs on `cores` cores should
 * keep concurrency × threads ≤ cores.
 */
export function setThreads(n: number): number {
  return setKernelThreads(n);
}
