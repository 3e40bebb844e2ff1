import { describe, expect, it } from 'vitest';
import { gemmWasm } from './gemm-wasm.js';
import { setKernelMemoryLimit } from './wasm-module.js';

// Its own file, so the kernels' memory starts small (it never shrinks).
describe.runIf(gemmWasm)('the kernels’ memory limit', () => {
  it('refuses a product whose scratch would grow the memory past it, and allows it again once raised', () => {
    const n = 512; // A, B and C: 1 MB each
    const a = new Float32Array(n * n).fill(1);
    const b = new Float32Array(n * n).fill(2);
    const c = new Float32Array(n * n);
    setKernelMemoryLimit(2 ** 20);
    try {
      expect(() => gemmWasm!(false, false, n, n, n, a, 0, b, 0, c, 0, false)).toThrow(
        expect.objectContaining({
          code: 'TENSOR_MEMORY_LIMIT',
          message: expect.stringMatching(/past the limit of 1 MB/),
        }),
      );
      expect(c[0]).toBe(0);
    } finally {
      setKernelMemoryLimit(Infinity);
    }
    gemmWasm!(false, false, n, n, n, a, 0, b, 0, c, 0, false);
    expect(c[0]).toBe(2 * n);
  });
});
