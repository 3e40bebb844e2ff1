// Element-wise loops with NumPy broadcasting. Fast paths cover the shapes training hits most
// (same shape, scalar operand, row vector over a matrix); the general path walks the output
// with an odometer and zero strides on broadcast axes.
import { stridesOf, type Shape } from '../shape.js';

export type BinaryFn = (x: number, y: number) => number;
export type UnaryFn = (x: number) => number;

/** out[i] = f(a[i]). */
export function mapUnary(a: Float32Array, f: UnaryFn): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = f(a[i]);
  return out;
}

// Strides of `shape` viewed as `outShape` (right-aligned), 0 on broadcast axes.
function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = stridesOf(shape);
  const out = new Array<number>(outShape.length).fill(0);
  const offset = outShape.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[i + offset] = shape[i] === 1 ? 0 : strides[i];
  return out;
}

/** out = f(a, b) broadcast to `outShape` (already validated by the caller). */
export function mapBinary(a: Float32Array, aShape: Shape, b: Float32Array, bShape: Shape, outShape: Shape, f: BinaryFn): Float32Array {
  let size = 1;
  for (const d of outShape) size *= d;
  const out = new Float32Array(size);
  if (size === 0) return out;
  if (a.length === size && b.length === size) {
    for (let i = 0; i < size; i++) out[i] = f(a[i], b[i]);
    return out;
  }
  if (b.length === 1 && a.length === size) {
    const y = b[0];
    for (let i = 0; i < size; i++) out[i] = f(a[i], y);
    return out;
  }
  if (a.length === 1 && b.length === size) {
    const x = a[0];
    for (let i = 0; i < size; i++) out[i] = f(x, b[i]);
    return out;
  }
  const rank = outShape.length;
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const inner = outShape[rank - 1];
  const ia = sa[rank - 1];
  const ib = sb[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let pa = 0;
  let pb = 0;
  for (let o = 0; o < size; o += inner) {
    let qa = pa;
    let qb = pb;
    for (let j = 0; j < inner; j++) {
      out[o + j] = f(a[qa], b[qb]);
      qa += ia;
      qb += ib;
    }
    // Advance the odometer over the outer axes.
    for (let ax = rank - 2; ax >= 0; ax--) {
      idx[ax]++;
      pa += sa[ax];
      pb += sb[ax];
      if (idx[ax] < outShape[ax]) break;
      pa -= sa[ax] * outShape[ax];
      pb -= sb[ax] * outShape[ax];
      idx[ax] = 0;
    }
  }
  return out;
}
