// 2-D convolution over NHWC input with HWIO filters, lowered to GEMM (im2col):
//   forward      Y[rows, outC] = col[rows, K] · W[K, outC]            (gemm nn)
//   input grad   dX = col2im(dY[rows, outC] · W[K, outC]ᵀ)             (gemm nt)
//   filter grad  dW[K, outC]  = col[rows, K]ᵀ · dY[rows, outC]         (gemm tn)
// with rows = batch·outH·outW and K = kH·kW·inC. The column matrix's row (n, oy, ox) holds the
// receptive field in (ky, kx, c) order, which is exactly the row-major layout of an HWIO filter
// seen as [K, outC], and Y in (n, oy, ox, c) order is already NHWC: no transposes anywhere.
import { gradBuffer } from '../autograd/grad-pool.js';
import { gemm } from './gemm.js';
import { sumToShape } from './reduce.js';
import type { WindowGeometry } from './conv-geometry.js';
import { convWasm, type ConvGrads } from './conv-wasm.js';

// The column matrix is built a few images at a time so that it stays under this many floats
// (16 MB): large batches then cost no more memory than small ones.
const COL_LIMIT = 1 << 22;
let scratch = new Float32Array(0);
const SET_MIN = 32;

function scratchFor(size: number): Float32Array {
  if (scratch.length < size) scratch = new Float32Array(size);
  return scratch;
}

// A 1×1, stride-1, unpadded convolution is a plain matrix product: X itself is the column matrix.
function isPointwise(g: WindowGeometry): boolean {
  return g.kH === 1 && g.kW === 1 && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 && g.padLeft === 0;
}

// Calls fn(firstImage, imageCount, col) over the batch, with `col` sized for imageCount images.
function forEachChunk(g: WindowGeometry, fn: (n0: number, count: number, col: Float32Array) => void): void {
  const perImage = g.outH * g.outW * g.kH * g.kW * g.inC;
  const step = Math.max(1, Math.min(g.batch, Math.floor(COL_LIMIT / perImage)));
  const col = scratchFor(step * perImage);
  for (let n0 = 0; n0 < g.batch; n0 += step) fn(n0, Math.min(step, g.batch - n0), col);
}

/** Unfolds images [n0, n0+count) of NHWC `x` into col [count·outH·outW, kH·kW·inC] (zeros for padding). */
export function im2col(x: Float32Array, g: WindowGeometry, n0: number, count: number, col: Float32Array): void {
  const { inH, inW, inC, outH, outW, kH, kW, strideH, strideW, dilH, dilW, padTop, padLeft } = g;
  const rowLen = kW * inC;
  // A long run is copied with set() (a memcpy, about twice as fast at 96 values); for short
  // runs (inC = 1) the subarray it needs costs more than the loop.
  const copyBySet = rowLen >= SET_MIN;
  let d = 0;
  for (let n = n0; n < n0 + count; n++) {
    const img = n * inH * inW * inC;
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * strideH - padTop;
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * strideW - padLeft;
        // Without dilation a window row inside the image is one contiguous run of kW·inC values.
        const wholeRow = dilW === 1 && ix0 >= 0 && ix0 + kW <= inW;
        for (let ky = 0; ky < kH; ky++) {
          const iy = iy0 + ky * dilH;
          if (iy < 0 || iy >= inH) {
            col.fill(0, d, d + rowLen);
            d += rowLen;
            continue;
          }
          const row = img + iy * inW * inC;
          if (wholeRow && copyBySet) {
            const s = row + ix0 * inC;
            col.set(x.subarray(s, s + rowLen), d);
            d += rowLen;
            continue;
          }
          if (wholeRow) {
            let s = row + ix0 * inC;
            for (let e = d + rowLen; d < e; d++) col[d] = x[s++];
            continue;
          }
          for (let kx = 0; kx < kW; kx++) {
            const ix = ix0 + kx * dilW;
            if (ix < 0 || ix >= inW) {
              for (let e = d + inC; d < e; d++) col[d] = 0;
            } else {
              let s = row + ix * inC;
              for (let e = d + inC; d < e; d++) col[d] = x[s++];
            }
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: adds each column entry back into its pixel of NHWC `dx` (padding dropped). */
export function col2im(col: Float32Array, g: WindowGeometry, n0: number, count: number, dx: Float32Array): void {
  const { inH, inW, inC, outH, outW, kH, kW, strideH, strideW, dilH, dilW, padTop, padLeft } = g;
  const rowLen = kW * inC;
  let d = 0;
  for (let n = n0; n < n0 + count; n++) {
    const img = n * inH * inW * inC;
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * strideH - padTop;
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * strideW - padLeft;
        const wholeRow = dilW === 1 && ix0 >= 0 && ix0 + kW <= inW;
        for (let ky = 0; ky < kH; ky++) {
          const iy = iy0 + ky * dilH;
          if (iy < 0 || iy >= inH) {
            d += rowLen;
            continue;
          }
          const row = img + iy * inW * inC;
          if (wholeRow) {
            let s = row + ix0 * inC;
            for (let e = d + rowLen; d < e; d++) dx[s++] += col[d];
            continue;
          }
          for (let kx = 0; kx < kW; kx++) {
            const ix = ix0 + kx * dilW;
            if (ix < 0 || ix >= inW) {
              d += inC;
            } else {
              let s = row + ix * inC;
              for (let e = d + inC; d < e; d++) dx[s++] += col[d];
            }
          }
        }
      }
    }
  }
}

// The entry points below run the WebAssembly SIMD convolution (conv-wasm.ts) when it loaded, where
// im2col, GEMM, col2im, bias and relu all stay in the module's memory; the *Ts functions further
// down (TypeScript im2col/col2im around `gemm`) are the fallback and the reference in tests.

/**
 * Convolution forward: NHWC `x` with HWIO `w` ([kH, kW, inC, outC]) → NHWC [batch, outH, outW,
 * outC], plus `bias` per channel, then relu when `relu` (each step rounding as add and relu do).
 */
export function conv2dForward(
  x: Float32Array,
  w: Float32Array,
  g: WindowGeometry,
  outC: number,
  bias: Float32Array | null = null,
  relu = false,
): Float32Array {
  if (convWasm) return convWasm.forward(x, w, bias, g, outC, relu);
  const y = conv2dForwardTs(x, w, g, outC);
  if (bias) for (let o = 0; o < y.length; o += outC) for (let c = 0; c < outC; c++) y[o + c] += bias[c];
  if (relu) reluInPlace(y, y);
  return y;
}

// out[i] = y[i] > 0 ? src[i] : +0, branch-free on the bits (as ops/relu.ts).
function reluInPlace(out: Float32Array, y: Float32Array, src: Float32Array = out): void {
  const ob = new Int32Array(out.buffer, out.byteOffset, out.length);
  const sb = new Int32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < out.length; i++) ob[i] = sb[i] & -+(y[i] > 0);
}

/**
 * All gradients of conv2dForward in one pass: `y` is its output when relu was fused (dy is then
 * masked by relu'), null otherwise. Each of dx, dw, db is computed only when `want` says so.
 */
export function conv2dBackward(
  x: Float32Array,
  w: Float32Array,
  dy: Float32Array,
  y: Float32Array | null,
  g: WindowGeometry,
  outC: number,
  want: { dx: boolean; dw: boolean; db: boolean },
): ConvGrads {
  if (convWasm) return convWasm.backward(x, w, dy, y, g, outC, want);
  let dz = dy;
  if (y) {
    dz = gradBuffer(dy.length);
    reluInPlace(dz, y, dy);
  }
  return {
    dx: want.dx ? conv2dInputGradTs(dz, w, g, outC) : null,
    dw: want.dw ? conv2dFilterGradTs(x, dz, g, outC) : null,
    db: want.db ? sumToShape(dz, [dz.length / outC, outC], [outC]) : null,
  };
}

/** dL/dX of a convolution, given dL/dY (NHWC) and the filter. */
export function conv2dInputGrad(dy: Float32Array, w: Float32Array, g: WindowGeometry, outC: number): Float32Array {
  if (convWasm)
    return convWasm.backward(new Float32Array(0), w, dy, null, g, outC, { dx: true, dw: false, db: false }).dx!;
  return conv2dInputGradTs(dy, w, g, outC);
}

/** dL/dW of a convolution ([kH, kW, inC, outC]), given the input and dL/dY. */
export function conv2dFilterGrad(x: Float32Array, dy: Float32Array, g: WindowGeometry, outC: number): Float32Array {
  if (convWasm)
    return convWasm.backward(x, new Float32Array(0), dy, null, g, outC, { dx: false, dw: true, db: false }).dw!;
  return conv2dFilterGradTs(x, dy, g, outC);
}

/** TypeScript convolution forward (im2col + gemm), the reference for conv2dForward. */
export function conv2dForwardTs(x: Float32Array, w: Float32Array, g: WindowGeometry, outC: number): Float32Array {
  const pix = g.outH * g.outW;
  const K = g.kH * g.kW * g.inC;
  const y = new Float32Array(g.batch * pix * outC);
  if (isPointwise(g)) {
    gemm(false, false, g.batch * pix, outC, K, x, 0, w, 0, y, 0, false);
    return y;
  }
  forEachChunk(g, (n0, count, col) => {
    im2col(x, g, n0, count, col);
    gemm(false, false, count * pix, outC, K, col, 0, w, 0, y, n0 * pix * outC, false);
  });
  return y;
}

/** TypeScript input gradient (gemm + col2im), the reference for conv2dInputGrad. */
export function conv2dInputGradTs(dy: Float32Array, w: Float32Array, g: WindowGeometry, outC: number): Float32Array {
  const pix = g.outH * g.outW;
  const K = g.kH * g.kW * g.inC;
  const dx = gradBuffer(g.batch * g.inH * g.inW * g.inC);
  if (isPointwise(g)) {
    gemm(false, true, g.batch * pix, K, outC, dy, 0, w, 0, dx, 0, false);
    return dx;
  }
  forEachChunk(g, (n0, count, col) => {
    gemm(false, true, count * pix, K, outC, dy, n0 * pix * outC, w, 0, col, 0, false);
    col2im(col, g, n0, count, dx);
  });
  return dx;
}

/** TypeScript filter gradient (im2col + gemm), the reference for conv2dFilterGrad. */
export function conv2dFilterGradTs(x: Float32Array, dy: Float32Array, g: WindowGeometry, outC: number): Float32Array {
  const pix = g.outH * g.outW;
  const K = g.kH * g.kW * g.inC;
  const dw = new Float32Array(K * outC);
  if (isPointwise(g)) {
    gemm(true, false, K, outC, g.batch * pix, x, 0, dy, 0, dw, 0, false);
    return dw;
  }
  forEachChunk(g, (n0, count, col) => {
    im2col(x, g, n0, count, col);
    gemm(true, false, K, outC, count * pix, col, 0, dy, n0 * pix * outC, dw, 0, n0 > 0);
  });
  return dw;
}
