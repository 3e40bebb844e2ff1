// WebAssembly SIMD convolution (NHWC input, HWIO filter), the fast path behind
// src/kernels/conv-wasm.ts. Same lowering as the TypeScript kernels (src/kernels/conv.ts):
//   forward      Y = im2col(X) · W, then + bias and relu in place     (gemm nn)
//   input grad   dX = col2im(dZ · Wᵀ)                                  (gemm nt)
//   filter grad  dW = im2col(X)ᵀ · dZ,  bias grad = column sums of dZ  (gemm tn)
// but the column matrix lives only in this module's memory, a few images at a time, so it is
// never copied across the JavaScript boundary (that copy and the TypeScript im2col/col2im loops
// were a quarter of a CNN training step). dZ is dY masked by relu'(Y) when the layer's relu is fused.
import { gemm, gemmLd } from './gemm';
import { addRun } from './runs';
import { geo, G_BATCH, G_IN_H, G_IN_W, G_IN_C, G_OUT_H, G_OUT_W, G_K_H, G_K_W, G_STRIDE_H, G_STRIDE_W, G_DIL_H, G_DIL_W, G_PAD_TOP, G_PAD_LEFT } from './geometry';

// Runs shorter than this are copied by a scalar loop: memory.copy is a call in V8.
const COPY_MIN: i32 = 16;

/** Unfolds images [n0, n0+count) of x into col [count·outH·outW, kH·kW·inC] (zeros for padding). */
export function im2col(g: usize, x: usize, n0: i32, count: i32, col: usize): void {
  const inH = geo(g, G_IN_H), inW = geo(g, G_IN_W), inC = geo(g, G_IN_C);
  const outH = geo(g, G_OUT_H), outW = geo(g, G_OUT_W), kH = geo(g, G_K_H), kW = geo(g, G_K_W);
  const sH = geo(g, G_STRIDE_H), sW = geo(g, G_STRIDE_W), dH = geo(g, G_DIL_H), dW = geo(g, G_DIL_W);
  const pT = geo(g, G_PAD_TOP), pL = geo(g, G_PAD_LEFT);
  const rowLen = kW * inC;
  const rowBytes = <usize>rowLen << 2;
  const cBytes = <usize>inC << 2;
  let d = col;
  for (let n = n0; n < n0 + count; n++) {
    const img = x + ((<usize>n * inH * inW * inC) << 2);
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * sH - pT;
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sW - pL;
        const wholeRow = dW == 1 && ix0 >= 0 && ix0 + kW <= inW;
        for (let ky = 0; ky < kH; ky++) {
          const iy = iy0 + ky * dH;
          if (iy < 0 || iy >= inH) {
            memory.fill(d, 0, rowBytes);
            d += rowBytes;
            continue;
          }
          const row = img + ((<usize>iy * inW * inC) << 2);
          if (wholeRow) {
            copyRun(d, row + ((<usize>ix0 * inC) << 2), rowLen);
            d += rowBytes;
            continue;
          }
          for (let kx = 0; kx < kW; kx++) {
            const ix = ix0 + kx * dW;
            if (ix < 0 || ix >= inW) memory.fill(d, 0, cBytes);
            else copyRun(d, row + ((<usize>ix * inC) << 2), inC);
            d += cBytes;
          }
        }
      }
    }
  }
}

@inline function copyRun(dst: usize, src: usize, len: i32): void {
  if (len >= COPY_MIN) {
    memory.copy(dst, src, <usize>len << 2);
  } else {
    for (let i = 0; i < len; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
  }
}

/** The adjoint of im2col: adds each column entry into its pixel of dx (padding dropped). */
export function col2im(g: usize, col: usize, n0: i32, count: i32, dx: usize): void {
  const inH = geo(g, G_IN_H), inW = geo(g, G_IN_W), inC = geo(g, G_IN_C);
  const outH = geo(g, G_OUT_H), outW = geo(g, G_OUT_W), kH = geo(g, G_K_H), kW = geo(g, G_K_W);
  const sH = geo(g, G_STRIDE_H), sW = geo(g, G_STRIDE_W), dH = geo(g, G_DIL_H), dW = geo(g, G_DIL_W);
  const pT = geo(g, G_PAD_TOP), pL = geo(g, G_PAD_LEFT);
  const rowLen = kW * inC;
  const rowBytes = <usize>rowLen << 2;
  const cBytes = <usize>inC << 2;
  let d = col;
  for (let n = n0; n < n0 + count; n++) {
    const img = dx + ((<usize>n * inH * inW * inC) << 2);
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * sH - pT;
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sW - pL;
        const wholeRow = dW == 1 && ix0 >= 0 && ix0 + kW <= inW;
        for (let ky = 0; ky < kH; ky++) {
          const iy = iy0 + ky * dH;
          if (iy < 0 || iy >= inH) {
            d += rowBytes;
            continue;
          }
          const row = img + ((<usize>iy * inW * inC) << 2);
          if (wholeRow) {
            addRun(row + ((<usize>ix0 * inC) << 2), d, rowLen);
            d += rowBytes;
            continue;
          }
          for (let kx = 0; kx < kW; kx++) {
            const ix = ix0 + kx * dW;
            if (ix >= 0 && ix < inW) addRun(row + ((<usize>ix * inC) << 2), d, inC);
            d += cBytes;
          }
        }
      }
    }
  }
}

// y[r, :] = relu?(y[r, :] + bias) over `rows` rows of `cols`; bias 0 means none. Each value rounds
// once per step, as the TypeScript op's add and relu do; relu maps NaN and -0 to +0 as relu.ts.
function epilogue(y: usize, rows: i32, cols: i32, bias: usize, relu: bool): void {
  if (bias == 0 && !relu) return;
  const zero = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const row = y + ((<usize>r * cols) << 2);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      let v = v128.load(row + o);
      if (bias != 0) v = f32x4.add(v, v128.load(bias + o));
      if (relu) v = v128.and(v, f32x4.gt(v, zero));
      v128.store(row + o, v);
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      let v = load<f32>(row + o);
      if (bias != 0) v += load<f32>(bias + o);
      if (relu) v = v > 0 ? v : 0;
      store<f32>(row + o, v);
    }
  }
}

/** Bytes of scratch `conv2dForward`/`conv2dBackward` need besides col (gemm's packed panels). */
export { workBytes } from './gemm';

/**
 * y = relu?(conv(x, w) + bias) for images [nBegin, nEnd), `colImages` images at a time through
 * `col` (colImages·outH·outW·kH·kW·inC floats). bias 0: none. Threads take disjoint image ranges.
 */
export function conv2dForward(g: usize, x: usize, w: usize, bias: usize, y: usize, outC: i32, relu: bool, col: usize, colImages: i32, work: usize, nBegin: i32, nEnd: i32): void {
  const pix = geo(g, G_OUT_H) * geo(g, G_OUT_W);
  const K = geo(g, G_K_H) * geo(g, G_K_W) * geo(g, G_IN_C);
  for (let n0 = nBegin; n0 < nEnd; n0 += colImages) {
    const count = min(colImages, nEnd - n0);
    const yc = y + ((<usize>n0 * pix * outC) << 2);
    im2col(g, x, n0, count, col);
    gemm(false, false, count * pix, outC, K, col, w, yc, false, work);
    epilogue(yc, count * pix, outC, bias, relu);
  }
}

/**
 * The part of conv2dForward's backward pass that precedes the GEMMs: y ≠ 0 (the forward output)
 * masks dy in place by relu'; db ≠ 0 receives the bias gradient (dbAcc: outC doubles of scratch).
 */
export function conv2dBackwardPrologue(g: usize, dy: usize, y: usize, outC: i32, db: usize, dbAcc: usize): void {
  const rows = geo(g, G_BATCH) * geo(g, G_OUT_H) * geo(g, G_OUT_W);
  if (y != 0) reluMask(dy, y, rows * outC);
  if (db != 0) columnSums(dy, rows, outC, db, dbAcc);
}

/**
 * The GEMM part of the backward pass, given the (masked) dy: dx (zeroed by the caller) for images
 * [nBegin, nEnd) when dx ≠ 0, and columns [jBegin, jEnd) of dw over all images when dw ≠ 0. Threads
 * take disjoint image ranges and column ranges, so every value is the one a single thread computes.
 */
export function conv2dBackwardPart(g: usize, x: usize, w: usize, dy: usize, outC: i32, dx: usize, dw: usize, col: usize, colImages: i32, work: usize, nBegin: i32, nEnd: i32, jBegin: i32, jEnd: i32): void {
  const batch = geo(g, G_BATCH);
  const pix = geo(g, G_OUT_H) * geo(g, G_OUT_W);
  const K = geo(g, G_K_H) * geo(g, G_K_W) * geo(g, G_IN_C);
  if (dw != 0 && jEnd > jBegin) {
    for (let n0 = 0; n0 < batch; n0 += colImages) {
      const count = min(colImages, batch - n0);
      im2col(g, x, n0, count, col);
      const dyc = dy + ((<usize>n0 * pix * outC + jBegin) << 2);
      gemmLd(true, false, K, jEnd - jBegin, count * pix, col, K, dyc, outC, dw + (<usize>jBegin << 2), outC, n0 > 0, work);
    }
  }
  if (dx != 0) {
    for (let n0 = nBegin; n0 < nEnd; n0 += colImages) {
      const count = min(colImages, nEnd - n0);
      gemm(false, true, count * pix, K, outC, dy + ((<usize>n0 * pix * outC) << 2), w, col, false, work);
      col2im(g, col, n0, count, dx);
    }
  }
}

// dy[i] = y[i] > 0 ? dy[i] : +0, branch-free as relu.ts.
function reluMask(dy: usize, y: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dy + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(y + o), zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    if (!(load<f32>(y + o) > 0)) store<f32>(dy + o, 0);
  }
}

// out[j] = Σ_r a[r, j] accumulated in f64 (`acc`: cols doubles) in exactly the order of
// reduce-fast.ts's accumulateCols (row 0, then ((r0 + r1) + (r2 + r3)) per four rows, then the
// rest one by one), so the bias gradient is bit-identical to the separate add's.
function columnSums(a: usize, rows: i32, cols: i32, out: usize, acc: usize): void {
  for (let j = 0; j < cols; j++) store<f64>(acc + (<usize>j << 3), <f64>load<f32>(a + (<usize>j << 2)));
  const rowBytes = <usize>cols << 2;
  let r = 1;
  for (; r + 3 < rows; r += 4) {
    const r0 = a + <usize>r * rowBytes;
    const r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const o = <usize>j << 2;
      const s01 = f64x2.add(f64x2.promote_low_f32x4(v128.load64_zero(r0 + o)), f64x2.promote_low_f32x4(v128.load64_zero(r1 + o)));
      const s23 = f64x2.add(f64x2.promote_low_f32x4(v128.load64_zero(r2 + o)), f64x2.promote_low_f32x4(v128.load64_zero(r3 + o)));
      const p = acc + (<usize>j << 3);
      v128.store(p, f64x2.add(v128.load(p), f64x2.add(s01, s23)));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      const p = acc + (<usize>j << 3);
      store<f64>(p, load<f64>(p) + ((<f64>load<f32>(r0 + o) + <f64>load<f32>(r1 + o)) + (<f64>load<f32>(r2 + o) + <f64>load<f32>(r3 + o))));
    }
  }
  for (; r < rows; r++) {
    const row = a + <usize>r * rowBytes;
    for (let j = 0; j < cols; j++) {
      const p = acc + (<usize>j << 3);
      store<f64>(p, load<f64>(p) + <f64>load<f32>(row + (<usize>j << 2)));
    }
  }
  for (let j = 0; j < cols; j++) store<f32>(out + (<usize>j << 2), <f32>load<f64>(acc + (<usize>j << 3)));
}
