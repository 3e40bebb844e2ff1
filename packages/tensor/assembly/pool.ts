// WebAssembly SIMD max and average pooling over NHWC data, the fast path behind
// src/kernels/pool-wasm.ts, with the TypeScript kernels' semantics (src/kernels/pool.ts): windows
// clipped to the image, the first maximum in window order wins, NaN propagates, the average
// divides by the real cell count. Channels are innermost, four at a time.
import { geo, G_BATCH, G_IN_H, G_IN_W, G_IN_C, G_OUT_H, G_OUT_W, G_K_H, G_K_W, G_STRIDE_H, G_STRIDE_W, G_PAD_TOP, G_PAD_LEFT } from './geometry';
import { addRun } from './runs';

/** y = max over each window; argmax (i32) = the flat input index of the maximum. */
export function maxPoolForward(g: usize, x: usize, y: usize, argmax: usize): void {
  const batch = geo(g, G_BATCH), inH = geo(g, G_IN_H), inW = geo(g, G_IN_W), C = geo(g, G_IN_C);
  const outH = geo(g, G_OUT_H), outW = geo(g, G_OUT_W), kH = geo(g, G_K_H), kW = geo(g, G_K_W);
  const sH = geo(g, G_STRIDE_H), sW = geo(g, G_STRIDE_W), pT = geo(g, G_PAD_TOP), pL = geo(g, G_PAD_LEFT);
  const rowStride = inW * C;
  const lanes = i32x4(0, 1, 2, 3);
  let out = 0;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const ys = oy * sH - pT;
      const y0 = max(ys, 0);
      const y1 = min(ys + kH, inH);
      for (let ox = 0; ox < outW; ox++, out += C) {
        const xs = ox * sW - pL;
        const x0 = max(xs, 0);
        const x1 = min(xs + kW, inW);
        const first = ((n * inH + y0) * inW + x0) * C;
        const span = (x1 - x0) * C;
        let c = 0;
        for (; c + 4 <= C; c += 4) {
          let best = v128.load(x + (<usize>(first + c) << 2));
          let at = i32x4.add(i32x4.splat(first + c), lanes);
          for (let iy = y0; iy < y1; iy++) {
            const s0 = first + (iy - y0) * rowStride + c;
            for (let s = s0; s < s0 + span; s += C) {
              const v = v128.load(x + (<usize>s << 2));
              const take = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
              best = v128.bitselect(v, best, take);
              at = v128.bitselect(i32x4.add(i32x4.splat(s), lanes), at, take);
            }
          }
          v128.store(y + (<usize>(out + c) << 2), best);
          v128.store(argmax + (<usize>(out + c) << 2), at);
        }
        for (; c < C; c++) {
          let best = load<f32>(x + (<usize>(first + c) << 2));
          let at = first + c;
          for (let iy = y0; iy < y1; iy++) {
            const s0 = first + (iy - y0) * rowStride + c;
            for (let s = s0; s < s0 + span; s += C) {
              const v = load<f32>(x + (<usize>s << 2));
              if (v > best || (v != v && best == best)) {
                best = v;
                at = s;
              }
            }
          }
          store<f32>(y + (<usize>(out + c) << 2), best);
          store<i32>(argmax + (<usize>(out + c) << 2), at);
        }
      }
    }
  }
}

/** y (zeroed by the caller) = the mean of each window's real cells. */
export function avgPoolForward(g: usize, x: usize, y: usize): void {
  const batch = geo(g, G_BATCH), inH = geo(g, G_IN_H), inW = geo(g, G_IN_W), C = geo(g, G_IN_C);
  const outH = geo(g, G_OUT_H), outW = geo(g, G_OUT_W), kH = geo(g, G_K_H), kW = geo(g, G_K_W);
  const sH = geo(g, G_STRIDE_H), sW = geo(g, G_STRIDE_W), pT = geo(g, G_PAD_TOP), pL = geo(g, G_PAD_LEFT);
  let out = 0;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const ys = oy * sH - pT;
      const y0 = max(ys, 0);
      const y1 = min(ys + kH, inH);
      for (let ox = 0; ox < outW; ox++, out += C) {
        const xs = ox * sW - pL;
        const x0 = max(xs, 0);
        const x1 = min(xs + kW, inW);
        const dst = y + (<usize>out << 2);
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) {
            addRun(dst, x + (<usize>(((n * inH + iy) * inW + ix) * C) << 2), C);
          }
        }
        scaleRun(dst, dst, <f32>(1.0 / <f64>((y1 - y0) * (x1 - x0))), C);
      }
    }
  }
}

/** dx (zeroed by the caller) += each output gradient spread evenly over its window's real cells. */
export function avgPoolBackward(g: usize, dy: usize, dx: usize, tmp: usize): void {
  const batch = geo(g, G_BATCH), inH = geo(g, G_IN_H), inW = geo(g, G_IN_W), C = geo(g, G_IN_C);
  const outH = geo(g, G_OUT_H), outW = geo(g, G_OUT_W), kH = geo(g, G_K_H), kW = geo(g, G_K_W);
  const sH = geo(g, G_STRIDE_H), sW = geo(g, G_STRIDE_W), pT = geo(g, G_PAD_TOP), pL = geo(g, G_PAD_LEFT);
  let out = 0;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const ys = oy * sH - pT;
      const y0 = max(ys, 0);
      const y1 = min(ys + kH, inH);
      for (let ox = 0; ox < outW; ox++, out += C) {
        const xs = ox * sW - pL;
        const x0 = max(xs, 0);
        const x1 = min(xs + kW, inW);
        // tmp (C floats) = dy · 1/cells, then added to every cell of the window.
        scaleRun(tmp, dy + (<usize>out << 2), <f32>(1.0 / <f64>((y1 - y0) * (x1 - x0))), C);
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) {
            addRun(dx + (<usize>(((n * inH + iy) * inW + ix) * C) << 2), tmp, C);
          }
        }
      }
    }
  }
}

@inline function scaleRun(dst: usize, src: usize, s: f32, len: i32): void {
  const sv = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.mul(v128.load(src + o), sv));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(src + o) * s);
  }
}
