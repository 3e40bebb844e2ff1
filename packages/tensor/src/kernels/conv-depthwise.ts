// Depthwise 2-D convolution over NHWC input with filters [kH, kW, inC, mult]: each input channel
// c is convolved with its own mult filters, giving output channels c·mult + m (TF's layout).
// Every output value reads only kH·kW inputs, so there is no GEMM to lower to: these are direct
// loops, with the (c, m) axis innermost where input, filter and output are all contiguous.
import type { WindowGeometry } from './conv-geometry.js';

// Calls fn(xPixel, wTap, yPixel) — base offsets — for every in-bounds (output pixel, filter tap) pair.
function forEachTap(g: WindowGeometry, mult: number, fn: (xBase: number, wBase: number, yBase: number) => void): void {
  const { inH, inW, inC, outH, outW, kH, kW, strideH, strideW, dilH, dilW, padTop, padLeft } = g;
  const outC = inC * mult;
  let yBase = 0;
  for (let n = 0; n < g.batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, yBase += outC) {
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * strideH - padTop + ky * dilH;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * strideW - padLeft + kx * dilW;
            if (ix < 0 || ix >= inW) continue;
            fn(((n * inH + iy) * inW + ix) * inC, (ky * kW + kx) * outC, yBase);
          }
        }
      }
    }
  }
}

/** Depthwise convolution forward → NHWC [batch, outH, outW, inC·mult]. */
export function depthwiseForward(x: Float32Array, w: Float32Array, g: WindowGeometry, mult: number): Float32Array {
  const y = new Float32Array(g.batch * g.outH * g.outW * g.inC * mult);
  const C = g.inC;
  forEachTap(g, mult, (xb, wb, yb) => {
    for (let c = 0, j = 0; c < C; c++) {
      const xv = x[xb + c];
      for (let m = 0; m < mult; m++, j++) y[yb + j] += xv * w[wb + j];
    }
  });
  return y;
}

/** dL/dX of a depthwise convolution. */
export function depthwiseInputGrad(dy: Float32Array, w: Float32Array, g: WindowGeometry, mult: number): Float32Array {
  const dx = new Float32Array(g.batch * g.inH * g.inW * g.inC);
  const C = g.inC;
  forEachTap(g, mult, (xb, wb, yb) => {
    for (let c = 0, j = 0; c < C; c++) {
      let s = 0;
      for (let m = 0; m < mult; m++, j++) s += dy[yb + j] * w[wb + j];
      dx[xb + c] += s;
    }
  });
  return dx;
}

/** dL/dW of a depthwise convolution ([kH, kW, inC, mult]). */
export function depthwiseFilterGrad(x: Float32Array, dy: Float32Array, g: WindowGeometry, mult: number): Float32Array {
  const dw = new Float32Array(g.kH * g.kW * g.inC * mult);
  const C = g.inC;
  forEachTap(g, mult, (xb, wb, yb) => {
    for (let c = 0, j = 0; c < C; c++) {
      const xv = x[xb + c];
      for (let m = 0; m < mult; m++, j++) dw[wb + j] += xv * dy[yb + j];
    }
  });
  return dw;
}
