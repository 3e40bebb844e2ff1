// The WebAssembly SIMD convolution (../../assembly/conv.ts): one call per pass, with the column
// matrix built and consumed inside the module's memory a few images at a time, the bias and a
// fused relu applied there too. Operands are copied in once and results out once; with several
// threads (threads.ts) the passes split over disjoint images or filter columns. `convWasm` is
// null when the module did not load; conv.ts then keeps the TypeScript path (im2col + gemm).
import { gradBuffer } from '../autograd/grad-pool.js';
import type { WindowGeometry } from './conv-geometry.js';
import { parallel, splitRange, threadCount, type Call } from './threads.js';
import { heapF32, heapI32, kernels, reserve, type KernelExports } from './wasm-module.js';

// One chunk of images' column matrix plus its output rows stay under this many floats (1 MB):
// small enough to stay in L2 between im2col, the GEMM that reads it and the bias/relu pass.
const CHUNK_FLOATS = 1 << 18;
const GEOMETRY_BYTES = 14 * 4;

function writeGeometry(at: number, g: WindowGeometry): void {
  heapI32().set(
    [
      g.batch,
      g.inH,
      g.inW,
      g.inC,
      g.outH,
      g.outW,
      g.kH,
      g.kW,
      g.strideH,
      g.strideW,
      g.dilH,
      g.dilW,
      g.padTop,
      g.padLeft,
    ],
    at >> 2,
  );
}

function chunking(g: WindowGeometry, outC: number): { colImages: number; colBytes: number } {
  const perImage = g.outH * g.outW * g.kH * g.kW * g.inC;
  const colImages = Math.max(1, Math.min(g.batch, Math.floor(CHUNK_FLOATS / (perImage + g.outH * g.outW * outC))));
  return { colImages, colBytes: colImages * perImage * 4 };
}

// Below this many multiply-adds a pass stays on one thread.
const PARALLEL_MIN = 1 << 20;

function threadsFor(g: WindowGeometry, outC: number): number {
  const macs = g.batch * g.outH * g.outW * g.kH * g.kW * g.inC * outC;
  return macs >= PARALLEL_MIN ? Math.min(threadCount(), g.batch) : 1;
}

function forward(
  ex: KernelExports,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  g: WindowGeometry,
  outC: number,
  relu: boolean,
): Float32Array {
  const ySize = g.batch * g.outH * g.outW * outC;
  const K = g.kH * g.kW * g.inC;
  const { colImages, colBytes } = chunking(g, outC);
  const t = threadsFor(g, outC);
  const workBytes = ex.workBytes(Math.max(outC, K));
  const [pg, px, pw, pb, py, pcol, work] = reserve(ex, [
    GEOMETRY_BYTES,
    x.length * 4,
    w.length * 4,
    outC * 4,
    ySize * 4,
    colBytes * t,
    workBytes * t,
  ]);
  writeGeometry(pg, g);
  const heap = heapF32();
  heap.set(x, px >> 2);
  heap.set(w, pw >> 2);
  if (bias) heap.set(bias, pb >> 2);
  // Threads take disjoint images, each with its own column matrix and packing space.
  const calls: Call[] = splitRange(g.batch, t, 1).map(([n0, n1], i) => [
    'conv2dForward',
    [pg, px, pw, bias ? pb : 0, py, outC, +relu, pcol + i * colBytes, colImages, work + i * workBytes, n0, n1],
  ]);
  parallel(ex, calls);
  return heap.slice(py >> 2, (py >> 2) + ySize);
}

/** What conv2dBackward computes: each gradient is null unless asked for. */
export interface ConvGrads {
  dx: Float32Array | null;
  dw: Float32Array | null;
  db: Float32Array | null;
}

function backward(
  ex: KernelExports,
  x: Float32Array,
  w: Float32Array,
  dy: Float32Array,
  y: Float32Array | null,
  g: WindowGeometry,
  outC: number,
  want: { dx: boolean; dw: boolean; db: boolean },
): ConvGrads {
  const ySize = g.batch * g.outH * g.outW * outC;
  const K = g.kH * g.kW * g.inC;
  const xSize = g.batch * g.inH * g.inW * g.inC;
  const { colImages, colBytes } = chunking(g, outC);
  const t = threadsFor(g, outC);
  const workBytes = ex.workBytes(Math.max(outC, K));
  const [pg, px, pw, pdy, py, pdx, pdw, pdb, pacc, pcol, work] = reserve(ex, [
    GEOMETRY_BYTES,
    want.dw ? xSize * 4 : 0,
    want.dx ? w.length * 4 : 0,
    ySize * 4,
    y ? ySize * 4 : 0,
    want.dx ? xSize * 4 : 0,
    K * outC * 4,
    outC * 4,
    outC * 8,
    colBytes * t,
    workBytes * t,
  ]);
  writeGeometry(pg, g);
  const heap = heapF32();
  if (want.dw) heap.set(x, px >> 2);
  if (want.dx) {
    heap.set(w, pw >> 2);
    heap.fill(0, pdx >> 2, (pdx >> 2) + xSize);
  }
  heap.set(dy, pdy >> 2);
  if (y) heap.set(y, py >> 2);
  ex.conv2dBackwardPrologue(pg, pdy, y ? py : 0, outC, want.db ? pdb : 0, pacc);
  if (want.dx || want.dw)
    parallel(
      ex,
      backwardCalls(g, outC, t, want, (i) => [
        pg,
        px,
        pw,
        pdy,
        outC,
        want.dx ? pdx : 0,
        want.dw ? pdw : 0,
        pcol + i * colBytes,
        colImages,
        work + i * workBytes,
      ]),
    );
  return {
    dx: want.dx ? pooledCopy(heap.subarray(pdx >> 2, (pdx >> 2) + xSize)) : null,
    dw: want.dw ? heap.slice(pdw >> 2, (pdw >> 2) + K * outC) : null,
    db: want.db ? heap.slice(pdb >> 2, (pdb >> 2) + outC) : null,
  };
}

// A copy in a pooled gradient array: a fresh one costs a page fault per 4 KB (grad-pool.ts).
function pooledCopy(src: Float32Array<ArrayBufferLike>): Float32Array {
  const out = gradBuffer(src.length);
  out.set(src);
  return out;
}

// Splits the backward GEMMs over t threads with disjoint outputs, so every value is summed as one
// thread sums it: dx by images, dw by filter columns (never by images, which would split sums).
// With both wanted, dw and dx go to different threads (equal work for a 3×3 conv, and no
// duplicated im2col); dw's columns are split only when each part keeps ≥ 32 of them, since every
// part repeats the im2col and the packing of the whole batch. `common(i)` gives thread i's
// leading arguments of conv2dBackwardPart.
function backwardCalls(
  g: WindowGeometry,
  outC: number,
  t: number,
  want: { dx: boolean; dw: boolean },
  common: (i: number) => number[],
): Call[] {
  if (t === 1) return [['conv2dBackwardPart', [...common(0), 0, g.batch, 0, outC]]];
  const dwThreads = !want.dw ? 0 : want.dx ? Math.max(1, Math.floor(t / 2)) : t;
  const dxThreads = !want.dx ? 0 : Math.max(1, t - dwThreads);
  const columns = dwThreads ? splitRange(outC, Math.max(1, Math.min(dwThreads, Math.floor(outC / 32))), 8) : [];
  const images = dxThreads ? splitRange(g.batch, dxThreads, 1) : [];
  const parts: [number, number, number, number][] = [
    ...columns.map(([j0, j1]): [number, number, number, number] => [0, 0, j0, j1]),
    ...images.map(([n0, n1]): [number, number, number, number] => [n0, n1, 0, 0]),
  ];
  return parts.map((range, i) => ['conv2dBackwardPart', [...common(i), ...range]]);
}

/**
 * The WebAssembly convolution, or null when the module did not load. `forward` returns
 * relu?(conv(x, w) + bias); `backward` takes the forward output `y` when relu was fused (its
 * gradient masks dy) and computes the requested gradients.
 */
export const convWasm = ((ex: KernelExports | null) =>
  ex && {
    forward: (
      x: Float32Array,
      w: Float32Array,
      bias: Float32Array | null,
      g: WindowGeometry,
      outC: number,
      relu: boolean,
    ): Float32Array => forward(ex, x, w, bias, g, outC, relu),
    backward: (
      x: Float32Array,
      w: Float32Array,
      dy: Float32Array,
      y: Float32Array | null,
      g: WindowGeometry,
      outC: number,
      want: { dx: boolean; dw: boolean; db: boolean },
    ): ConvGrads => backward(ex, x, w, dy, y, g, outC, want),
  })(kernels);

/** @internal Writes a geometry record for the pooling wrapper (same layout). */
export { writeGeometry, GEOMETRY_BYTES };
