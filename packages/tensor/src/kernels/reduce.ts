// Reductions over arbitrary axes of a contiguous row-major array. Each input element is visited
// once; the output offset follows an odometer whose strides are 0 on reduced axes.
import { stridesOf, type Shape } from '../shape.js';
import { asBlock, ReduceMode as Mode, reduceBlock } from './reduce-fast.js';

/** Shape after reducing `axes` (sorted, unique), keeping them as size 1. */
export function reducedShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function reduce(a: Float32Array, shape: Shape, axes: readonly number[], init: number, mode: Mode): Float32Array {
  const keep = reducedShape(shape, axes);
  let outSize = 1;
  for (const d of keep) outSize *= d;
  const out = new Float32Array(outSize).fill(init);
  if (a.length === 0) return out;
  const rank = shape.length;
  if (rank === 0) {
    out[0] = a[0];
    return out;
  }
  const block = asBlock(shape, axes);
  if (block !== null) {
    reduceBlock(a, block[0], block[1], block[2], mode, out);
    return out;
  }
  // Several separate reduced blocks: one odometer over all axes.
  const keepStrides = stridesOf(keep);
  const so = shape.map((d, i) => (axes.includes(i) ? 0 : keepStrides[i]));
  const inner = shape[rank - 1];
  const io = so[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let po = 0;
  for (let i = 0; i < a.length; i += inner) {
    if (io === 0) {
      // Reducing the contiguous axis: accumulate in a double, store once.
      let acc = out[po];
      if (mode === Mode.Sum) for (let j = 0; j < inner; j++) acc += a[i + j];
      else if (mode === Mode.Max) for (let j = 0; j < inner; j++) acc = a[i + j] > acc ? a[i + j] : acc;
      else if (mode === Mode.Min) for (let j = 0; j < inner; j++) acc = a[i + j] < acc ? a[i + j] : acc;
      else for (let j = 0; j < inner; j++) acc *= a[i + j];
      out[po] = acc;
    } else if (mode === Mode.Sum) {
      for (let j = 0; j < inner; j++) out[po + j] += a[i + j];
    } else if (mode === Mode.Max) {
      for (let j = 0; j < inner; j++) if (a[i + j] > out[po + j]) out[po + j] = a[i + j];
    } else if (mode === Mode.Min) {
      for (let j = 0; j < inner; j++) if (a[i + j] < out[po + j]) out[po + j] = a[i + j];
    } else {
      for (let j = 0; j < inner; j++) out[po + j] *= a[i + j];
    }
    for (let ax = rank - 2; ax >= 0; ax--) {
      idx[ax]++;
      po += so[ax];
      if (idx[ax] < shape[ax]) break;
      po -= so[ax] * shape[ax];
      idx[ax] = 0;
    }
  }
  return out;
}

/** Sum over `axes`; the result has the `reducedShape` layout. */
export function sumAxes(a: Float32Array, shape: Shape, axes: readonly number[]): Float32Array {
  return reduce(a, shape, axes, 0, Mode.Sum);
}

/** Max over `axes`; the result has the `reducedShape` layout. */
export function maxAxes(a: Float32Array, shape: Shape, axes: readonly number[]): Float32Array {
  return reduce(a, shape, axes, -Infinity, Mode.Max);
}

/** Min over `axes`; the result has the `reducedShape` layout. */
export function minAxes(a: Float32Array, shape: Shape, axes: readonly number[]): Float32Array {
  return reduce(a, shape, axes, Infinity, Mode.Min);
}

/** Product over `axes`; the result has the `reducedShape` layout. */
export function prodAxes(a: Float32Array, shape: Shape, axes: readonly number[]): Float32Array {
  return reduce(a, shape, axes, 1, Mode.Prod);
}

/** Sums a broadcast gradient `g` of shape `gShape` back to `target` (sums leading and size-1 axes). */
export function sumToShape(g: Float32Array, gShape: Shape, target: Shape): Float32Array {
  if (g.length === targetSize(target) && gShape.length === target.length) return g;
  const lead = gShape.length - target.length;
  const axes: number[] = [];
  for (let i = 0; i < gShape.length; i++) {
    if (i < lead || (target[i - lead] === 1 && gShape[i] !== 1)) axes.push(i);
  }
  return sumAxes(g, gShape, axes);
}

function targetSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Expands `g` laid out as `reducedShape(shape, axes)` back to `shape` (repeat along reduced axes). */
export function expandReduced(g: Float32Array, shape: Shape, axes: readonly number[]): Float32Array {
  const keep = reducedShape(shape, axes);
  let size = 1;
  for (const d of shape) size *= d;
  const out = new Float32Array(size);
  const rank = shape.length;
  if (rank === 0) {
    out[0] = g[0];
    return out;
  }
  const keepStrides = stridesOf(keep);
  const so = shape.map((d, i) => (axes.includes(i) ? 0 : keepStrides[i]));
  const inner = shape[rank - 1];
  const io = so[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let po = 0;
  for (let i = 0; i < size; i += inner) {
    if (io === 0) out.fill(g[po], i, i + inner);
    else for (let j = 0; j < inner; j++) out[i + j] = g[po + j];
    for (let ax = rank - 2; ax >= 0; ax--) {
      idx[ax]++;
      po += so[ax];
      if (idx[ax] < shape[ax]) break;
      po -= so[ax] * shape[ax];
      idx[ax] = 0;
    }
  }
  return out;
}
