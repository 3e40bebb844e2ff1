// The WebAssembly SIMD pooling kernels (../../assembly/pool.ts); `poolWasm` is null when the module
// did not load, and pool.ts keeps its TypeScript loops.
import type { WindowGeometry } from './conv-geometry.js';
import { GEOMETRY_BYTES, writeGeometry } from './conv-wasm.js';
import { heapF32, heapI32, kernels, reserve, type KernelExports } from './wasm-module.js';

function maxForward(ex: KernelExports, x: Float32Array, g: WindowGeometry): { y: Float32Array; argmax: Int32Array } {
  const size = g.batch * g.outH * g.outW * g.inC;
  const [pg, px, py, pa] = reserve(ex, [GEOMETRY_BYTES, x.length * 4, size * 4, size * 4]);
  writeGeometry(pg, g);
  heapF32().set(x, px >> 2);
  ex.maxPoolForward(pg, px, py, pa);
  return { y: heapF32().slice(py >> 2, (py >> 2) + size), argmax: heapI32().slice(pa >> 2, (pa >> 2) + size) };
}

function avgForward(ex: KernelExports, x: Float32Array, g: WindowGeometry): Float32Array {
  const size = g.batch * g.outH * g.outW * g.inC;
  const [pg, px, py] = reserve(ex, [GEOMETRY_BYTES, x.length * 4, size * 4]);
  writeGeometry(pg, g);
  const heap = heapF32();
  heap.set(x, px >> 2);
  heap.fill(0, py >> 2, (py >> 2) + size);
  ex.avgPoolForward(pg, px, py);
  return heap.slice(py >> 2, (py >> 2) + size);
}

function avgBackward(ex: KernelExports, dy: Float32Array, g: WindowGeometry): Float32Array {
  const inSize = g.batch * g.inH * g.inW * g.inC;
  const [pg, pdy, pdx, tmp] = reserve(ex, [GEOMETRY_BYTES, dy.length * 4, inSize * 4, g.inC * 4]);
  writeGeometry(pg, g);
  const heap = heapF32();
  heap.set(dy, pdy >> 2);
  heap.fill(0, pdx >> 2, (pdx >> 2) + inSize);
  ex.avgPoolBackward(pg, pdy, pdx, tmp);
  return heap.slice(pdx >> 2, (pdx >> 2) + inSize);
}

/** The WebAssembly pooling kernels (same contracts as pool.ts's), or null when not loaded. */
export const poolWasm = ((ex: KernelExports | null) =>
  ex && {
    maxForward: (x: Float32Array, g: WindowGeometry) => maxForward(ex, x, g),
    avgForward: (x: Float32Array, g: WindowGeometry) => avgForward(ex, x, g),
    avgBackward: (dy: Float32Array, g: WindowGeometry) => avgBackward(ex, dy, g),
  })(kernels);
