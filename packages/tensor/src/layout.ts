// Strided layouts. A tensor is `data[offset + Σ index[i]·strides[i]]`; these helpers decide when
// that is plain row-major, pack a strided view into a fresh buffer, and find view strides for
// a reshape. They know nothing about autograd, so tensor.ts and the ops can both use them.
import { sizeOf, stridesOf, type Shape } from './shape.js';

/** The typed arrays a tensor can hold. */
export type TypedData = Float32Array | Int32Array;

const BLOCK = 32;

/** True when `strides` walk `shape` in row-major order (size-1 axes may have any stride). */
export function isRowMajor(shape: Shape, strides: readonly number[]): boolean {
  if (sizeOf(shape) === 0) return true;
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** Smallest and largest buffer index a non-empty view touches. */
export function viewExtent(shape: Shape, strides: readonly number[], offset: number): [number, number] {
  let lo = offset;
  let hi = offset;
  for (let i = 0; i < shape.length; i++) {
    const span = (shape[i] - 1) * strides[i];
    if (span < 0) lo += span;
    else hi += span;
  }
  return [lo, hi];
}

/** Copies the strided view into a fresh row-major array of the same type. */
export function packStrided<T extends TypedData>(src: T, shape: Shape, strides: readonly number[], offset: number): T {
  const size = sizeOf(shape);
  const out = new (src.constructor as new (n: number) => T)(size);
  if (size === 0) return out;
  const rank = shape.length;
  if (rank === 0) {
    out[0] = src[offset];
    return out;
  }
  if (rank === 2 && strides[1] !== 1) {
    // Column-strided 2-D views (transposes) are copied in tiles so reads and writes stay in cache.
    const [rows, cols] = shape;
    const [s0, s1] = strides;
    for (let i0 = 0; i0 < rows; i0 += BLOCK) {
      const i1 = Math.min(i0 + BLOCK, rows);
      for (let j0 = 0; j0 < cols; j0 += BLOCK) {
        const j1 = Math.min(j0 + BLOCK, cols);
        for (let i = i0; i < i1; i++) {
          const row = offset + i * s0;
          for (let j = j0; j < j1; j++) out[i * cols + j] = src[row + j * s1];
        }
      }
    }
    return out;
  }
  walk(shape, strides, offset, (o, q, inner, is) => {
    if (is === 1) out.set(src.subarray(q, q + inner), o);
    else for (let j = 0; j < inner; j++, q += is) out[o + j] = src[q];
  });
  return out;
}

/** Writes row-major `src` into the positions of a strided view of `dst` (the inverse of packStrided). */
export function scatterStrided<T extends TypedData>(
  dst: T,
  shape: Shape,
  strides: readonly number[],
  offset: number,
  src: T,
): void {
  if (src.length === 0) return;
  if (shape.length === 0) {
    dst[offset] = src[0];
    return;
  }
  walk(shape, strides, offset, (o, q, inner, is) => {
    if (is === 1) dst.set(src.subarray(o, o + inner), q);
    else for (let j = 0; j < inner; j++, q += is) dst[q] = src[o + j];
  });
}

// Odometer over all axes but the last: calls `row(outPos, bufferPos, innerLength, innerStride)`.
function walk(
  shape: Shape,
  strides: readonly number[],
  offset: number,
  row: (o: number, q: number, inner: number, is: number) => void,
): void {
  const rank = shape.length;
  const size = sizeOf(shape);
  const inner = shape[rank - 1];
  const is = strides[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let p = offset;
  for (let o = 0; o < size; o += inner) {
    row(o, p, inner, is);
    for (let ax = rank - 2; ax >= 0; ax--) {
      idx[ax]++;
      p += strides[ax];
      if (idx[ax] < shape[ax]) break;
      p -= strides[ax] * shape[ax];
      idx[ax] = 0;
    }
  }
}

/**
 * Strides that present a (non-empty) strided view in `newShape` without copying, or null when
 * the axes being merged are not laid out one after another (NumPy's no-copy reshape rule).
 */
export function reshapeStrides(shape: Shape, strides: readonly number[], newShape: Shape): number[] | null {
  if (sizeOf(shape) === 0) return stridesOf(newShape);
  const dims: number[] = [];
  const st: number[] = [];
  shape.forEach((d, i) => {
    if (d !== 1) {
      dims.push(d);
      st.push(strides[i]);
    }
  });
  const out = new Array<number>(newShape.length).fill(1);
  let oi = 0;
  let oj = 1;
  let ni = 0;
  let nj = 1;
  while (ni < newShape.length && oi < dims.length) {
    let np = newShape[ni];
    let op = dims[oi];
    while (np !== op) {
      if (np < op) np *= newShape[nj++];
      else op *= dims[oj++];
    }
    for (let k = oi; k < oj - 1; k++) if (st[k] !== dims[k + 1] * st[k + 1]) return null;
    out[nj - 1] = st[oj - 1];
    for (let k = nj - 1; k > ni; k--) out[k - 1] = out[k] * newShape[k];
    ni = nj++;
    oi = oj++;
  }
  return out;
}
