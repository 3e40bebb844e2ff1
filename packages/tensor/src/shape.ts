import { TensorError } from './errors.js';

/** A tensor shape: one non-negative integer per axis, [] for a scalar. */
export type Shape = readonly number[];

/** Formats a shape the way error messages show it: `[2, 3]`. */
export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C order) strides of a shape. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** True when both shapes have the same rank and sizes. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws TENSOR_INVALID_SHAPE unless every dimension is a non-negative safe integer. */
export function assertShape(shape: Shape): void {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new TensorError('TENSOR_INVALID_SHAPE', `invalid shape ${formatShape(shape)}`);
    }
  }
}

/** NumPy broadcasting of two shapes; throws TENSOR_SHAPE_MISMATCH when they are incompatible. */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new TensorError('TENSOR_SHAPE_MISMATCH', `cannot broadcast ${formatShape(a)} with ${formatShape(b)}`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Resolves `axis` (number, list, or undefined = all axes; negatives count from the end) to sorted unique axes. */
export function normalizeAxes(axis: number | readonly number[] | undefined, ndim: number): number[] {
  if (axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  const seen = new Set<number>();
  for (const ax of list) {
    if (!Number.isInteger(ax) || ax < -ndim || ax >= ndim) {
      throw new TensorError('TENSOR_INVALID_AXIS', `axis ${ax} is out of range for rank ${ndim}`);
    }
    seen.add(ax < 0 ? ax + ndim : ax);
  }
  return [...seen].sort((x, y) => x - y);
}

/** Resolves a single axis (negative counts from the end). */
export function normalizeAxis(axis: number, ndim: number): number {
  return normalizeAxes(axis, ndim)[0];
}
