import { afterEach, describe, expect, it, vi } from 'vitest';

// engineInfo() reports what runs; without WebAssembly SIMD (or when forced) the TypeScript kernels
// run, on one thread, and say why.

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.resetModules();
});

async function freshEngine() {
  vi.resetModules();
  const engine = await import('./engine.js');
  const gemm = await import('./gemm.js');
  const conv = await import('./conv-wasm.js');
  const pool = await import('./pool-wasm.js');
  return { ...engine, gemm, conv, pool };
}

describe('engineInfo', () => {
  it('reports the WebAssembly SIMD kernels on one thread by default', async () => {
    if (process.env.TRAINYARD_KERNELS === 'typescript') return;
    const { engineInfo } = await freshEngine();
    expect(engineInfo()).toEqual({ kernels: 'wasm-simd', threads: 1, simd: true });
  });

  it('falls back to the TypeScript kernels when WebAssembly SIMD does not validate', async () => {
    // @types/node declares no WebAssembly value (lib.dom does): reach it through globalThis.
    const real = (globalThis as unknown as { WebAssembly: object }).WebAssembly;
    vi.stubGlobal('WebAssembly', { ...real, validate: () => false });
    vi.stubEnv('TRAINYARD_KERNELS', ''); // also when the suite runs with the TypeScript kernels forced
    const { engineInfo, setThreads, gemm, conv, pool } = await freshEngine();
    expect(engineInfo()).toEqual({
      kernels: 'typescript',
      threads: 1,
      simd: false,
      reason: 'WebAssembly SIMD unavailable',
    });
    expect(setThreads(4)).toBe(1);
    expect(gemm.gemmEngine).toBe('typescript');
    expect(conv.convWasm).toBeNull();
    expect(pool.poolWasm).toBeNull();
    const c = new Float32Array(4);
    gemm.gemm(false, false, 2, 2, 2, Float32Array.of(1, 2, 3, 4), 0, Float32Array.of(5, 6, 7, 8), 0, c, 0, false);
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
  });

  it('says so when TRAINYARD_KERNELS=typescript forces them', async () => {
    vi.stubEnv('TRAINYARD_KERNELS', 'typescript');
    const { engineInfo } = await freshEngine();
    expect(engineInfo()).toMatchObject({ kernels: 'typescript', threads: 1, reason: 'TRAINYARD_KERNELS=typescript' });
  });
});
