// Element-wise loops with NumPy broadcasting. Fast paths cover the shapes training hits most
// (same shape, scalar operand, row vector over a matrix); the general path walks the output
// with an odometer and zero strides on broadcast axes. The four arithmetic ops also get
// closure-free loops (`arith`): mapBinary's call through `f` is shared by every op, so V8 cannot
// inline it, and the bias add and its neighbours were a fifth of a CNN training step.
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
export function mapBinary(
  a: Float32Array,
  aShape: Shape,
  b: Float32Array,
  bShape: Shape,
  outShape: Shape,
  f: BinaryFn,
): Float32Array {
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

/** The arithmetic ops with their own loops in `arith`. */
export const Arith = { Add: 0, Sub: 1, Mul: 2, Div: 3 } as const;
export type Arith = (typeof Arith)[keyof typeof Arith];

const ARITH_FNS: readonly BinaryFn[] = [(x, y) => x + y, (x, y) => x - y, (x, y) => x * y, (x, y) => x / y];

// True when `shape` is a row of `cols` values, possibly with leading size-1 axes ([C], [1, C]).
function isRow(shape: Shape, cols: number): boolean {
  let n = 1;
  for (const d of shape) n *= d;
  return n === cols && shape.length > 0 && shape[shape.length - 1] === cols;
}

// out[r·cols + j] = a[r·aStep + j] ∘ b[r·bStep + j]: a step of 0 repeats one row over all rows.
function rowLoops(
  op: Arith,
  a: Float32Array,
  aStep: number,
  b: Float32Array,
  bStep: number,
  out: Float32Array,
  rows: number,
  cols: number,
): void {
  for (let r = 0, o = 0, pa = 0, pb = 0; r < rows; r++, o += cols, pa += aStep, pb += bStep) {
    if (op === Arith.Add) for (let j = 0; j < cols; j++) out[o + j] = a[pa + j] + b[pb + j];
    else if (op === Arith.Sub) for (let j = 0; j < cols; j++) out[o + j] = a[pa + j] - b[pb + j];
    else if (op === Arith.Mul) for (let j = 0; j < cols; j++) out[o + j] = a[pa + j] * b[pb + j];
    else for (let j = 0; j < cols; j++) out[o + j] = a[pa + j] / b[pb + j];
  }
}

/**
 * a ∘ b broadcast to `outShape` for ∘ in Arith. Same-size operands and a row operand over a
 * contiguous [..., C] one (the bias add, [N,H,W,C] + [C]) run tight loops; every other
 * broadcast takes mapBinary. Both give identical values (one float32 rounding per element).
 */
export function arith(
  op: Arith,
  a: Float32Array,
  aShape: Shape,
  b: Float32Array,
  bShape: Shape,
  outShape: Shape,
): Float32Array {
  let size = 1;
  for (const d of outShape) size *= d;
  const cols = outShape.length > 0 ? outShape[outShape.length - 1] : 1;
  if (size > 0 && cols > 1) {
    if (a.length === size && b.length === size) {
      const out = new Float32Array(size);
      rowLoops(op, a, size, b, size, out, 1, size);
      return out;
    }
    if (a.length === size && isRow(bShape, cols)) {
      const out = new Float32Array(size);
      rowLoops(op, a, cols, b, 0, out, size / cols, cols);
      return out;
    }
    if (b.length === size && isRow(aShape, cols)) {
      const out = new Float32Array(size);
      rowLoops(op, a, 0, b, cols, out, size / cols, cols);
      return out;
    }
  }
  return mapBinary(a, aShape, b, bShape, outShape, ARITH_FNS[op]);
}
