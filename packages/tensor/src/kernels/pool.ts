// Max and average pooling over NHWC data. Windows are clipped to the image, so `same` padding
// never contributes: max ignores padded cells and the average divides by the real cell count
// (TF semantics, keras-formats.md §2.3). Loops run channels innermost, where NHWC is contiguous.
import { gradBuffer } from '../autograd/grad-pool.js';
import type { WindowGeometry } from './conv-geometry.js';
import { poolWasm } from './pool-wasm.js';

// Each kernel runs the WebAssembly SIMD one (pool-wasm.ts) when it loaded; the *Ts ones below stay
// the fallback and the reference in tests.

/** Max pooling; also returns, per output value, the flat input index of its (first) maximum. */
export function maxPoolForward(x: Float32Array, g: WindowGeometry): { y: Float32Array; argmax: Int32Array } {
  return poolWasm ? poolWasm.maxForward(x, g) : maxPoolForwardTs(x, g);
}

/**
 * Routes each output gradient to the input position that was the maximum. A scatter gains nothing
 * from SIMD, and copying dy, argmax and dx through the module's memory made a WebAssembly
 * version slower than this loop in a CNN step, so there is none.
 */
export function maxPoolBackward(dy: Float32Array, argmax: Int32Array, inSize: number): Float32Array {
  return maxPoolBackwardTs(dy, argmax, inSize);
}

/** Average pooling over the real (unpadded) cells of each window. */
export function avgPoolForward(x: Float32Array, g: WindowGeometry): Float32Array {
  return poolWasm ? poolWasm.avgForward(x, g) : avgPoolForwardTs(x, g);
}

/** Spreads each output gradient evenly over the real cells of its window. */
export function avgPoolBackward(dy: Float32Array, g: WindowGeometry): Float32Array {
  return poolWasm ? poolWasm.avgBackward(dy, g) : avgPoolBackwardTs(dy, g);
}

// Visits each output pixel with the clipped input window [y0, y1) × [x0, x1).
function forEachWindow(
  g: WindowGeometry,
  fn: (n: number, out: number, y0: number, y1: number, x0: number, x1: number) => void,
): void {
  let out = 0;
  for (let n = 0; n < g.batch; n++) {
    for (let oy = 0; oy < g.outH; oy++) {
      const ys = oy * g.strideH - g.padTop;
      const y0 = Math.max(ys, 0);
      const y1 = Math.min(ys + g.kH, g.inH);
      for (let ox = 0; ox < g.outW; ox++) {
        const xs = ox * g.strideW - g.padLeft;
        fn(n, out, y0, y1, Math.max(xs, 0), Math.min(xs + g.kW, g.inW));
        out += g.inC;
      }
    }
  }
}

/** TypeScript max pooling (see maxPoolForward). */
export function maxPoolForwardTs(x: Float32Array, g: WindowGeometry): { y: Float32Array; argmax: Int32Array } {
  const { batch, inH, inW, inC: C, outH, outW, strideH, strideW, kH, kW, padTop, padLeft } = g;
  const size = batch * outH * outW * C;
  const y = new Float32Array(size);
  const argmax = new Int32Array(size);
  const rowStride = inW * C;
  // Written out rather than through forEachWindow: its per-pixel callback and the read-modify-write
  // of y[out + c] per window cell cost more than the comparisons. Each channel's running maximum
  // stays in a local while the (small) window is scanned.
  let out = 0;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const ys = oy * strideH - padTop;
      const y0 = Math.max(ys, 0);
      const y1 = Math.min(ys + kH, inH);
      for (let ox = 0; ox < outW; ox++, out += C) {
        const xs = ox * strideW - padLeft;
        const x0 = Math.max(xs, 0);
        const x1 = Math.min(xs + kW, inW);
        // The window's first cell seeds the maximum, so an all -Infinity window still has an argmax.
        const first = ((n * inH + y0) * inW + x0) * C;
        for (let c = 0; c < C; c++) {
          let best = x[first + c];
          let at = first + c;
          for (let iy = y0; iy < y1; iy++) {
            for (let src = first + (iy - y0) * rowStride + c, e = src + (x1 - x0) * C; src < e; src += C) {
              const v = x[src];
              // `>` keeps the first maximum in window order, as TF's cpu backend does; NaN wins so it propagates.
              if (v > best || (v !== v && best === best)) {
                best = v;
                at = src;
              }
            }
          }
          y[out + c] = best;
          argmax[out + c] = at;
        }
      }
    }
  }
  return { y, argmax };
}

/** TypeScript max-pooling gradient (see maxPoolBackward). */
export function maxPoolBackwardTs(dy: Float32Array, argmax: Int32Array, inSize: number): Float32Array {
  const dx = gradBuffer(inSize);
  for (let i = 0; i < dy.length; i++) dx[argmax[i]] += dy[i];
  return dx;
}

/** TypeScript average pooling (see avgPoolForward). */
export function avgPoolForwardTs(x: Float32Array, g: WindowGeometry): Float32Array {
  const C = g.inC;
  const y = new Float32Array(g.batch * g.outH * g.outW * C);
  forEachWindow(g, (n, out, y0, y1, x0, x1) => {
    for (let iy = y0; iy < y1; iy++) {
      for (let ix = x0; ix < x1; ix++) {
        const src = ((n * g.inH + iy) * g.inW + ix) * C;
        for (let c = 0; c < C; c++) y[out + c] += x[src + c];
      }
    }
    const inv = 1 / ((y1 - y0) * (x1 - x0));
    for (let c = 0; c < C; c++) y[out + c] *= inv;
  });
  return y;
}

/** TypeScript average-pooling gradient (see avgPoolBackward). */
export function avgPoolBackwardTs(dy: Float32Array, g: WindowGeometry): Float32Array {
  const C = g.inC;
  const dx = new Float32Array(g.batch * g.inH * g.inW * C);
  forEachWindow(g, (n, out, y0, y1, x0, x1) => {
    const inv = 1 / ((y1 - y0) * (x1 - x0));
    for (let iy = y0; iy < y1; iy++) {
      for (let ix = x0; ix < x1; ix++) {
        const dst = ((n * g.inH + iy) * g.inW + ix) * C;
        for (let c = 0; c < C; c++) dx[dst + c] += dy[out + c] * inv;
      }
    }
  });
  return dx;
}
