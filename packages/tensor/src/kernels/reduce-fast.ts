// Fast paths for reductions whose reduced axes form one block, which covers the training hot
// path: the last axis (softmax, losses, row sums), axis 0 (bias gradients, batch means) and a
// middle block (softmax along an inner axis). Each mode has its own loops so that the inner loop
// carries no per-element branch or closure. Sums and products accumulate in float64.
import type { Shape } from '../shape.js';

/** How values combine. */
export const ReduceMode = { Sum: 0, Max: 1, Min: 2, Prod: 3 } as const;
export type ReduceMode = (typeof ReduceMode)[keyof typeof ReduceMode];

/**
 * The input as [outer, n, inner] with the reduced axes merged into `n`, or null when the reduced
 * axes (ignoring size-1 axes) are not one contiguous block.
 */
export function asBlock(shape: Shape, axes: readonly number[]): [number, number, number] | null {
  let outer = 1;
  let n = 1;
  let inner = 1;
  // 0: before the reduced block, 1: inside it, 2: after it.
  let phase = 0;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d === 1) continue;
    const reduced = axes.includes(i);
    if (reduced && phase === 2) return null;
    if (reduced) phase = 1;
    else if (phase === 1) phase = 2;
    if (phase === 0) outer *= d;
    else if (phase === 1) n *= d;
    else inner *= d;
  }
  return [outer, n, inner];
}

/** Reduces `a` viewed as [outer, n, inner] over the middle axis into `out` ([outer, inner]); n ≥ 1. */
export function reduceBlock(
  a: Float32Array,
  outer: number,
  n: number,
  inner: number,
  mode: ReduceMode,
  out: Float32Array,
): void {
  if (inner === 1) {
    if (mode === ReduceMode.Sum) sumRows(a, outer, n, out);
    else if (mode === ReduceMode.Max) maxRows(a, outer, n, out);
    else if (mode === ReduceMode.Min) minRows(a, outer, n, out);
    else prodRows(a, outer, n, out);
    return;
  }
  if (mode === ReduceMode.Sum || mode === ReduceMode.Prod)
    accumulateCols(a, outer, n, inner, mode === ReduceMode.Prod, out);
  else extremeCols(a, outer, n, inner, mode === ReduceMode.Max, out);
}

// Four independent accumulators break the add dependency chain (about 2× on V8).
function sumRows(a: Float32Array, rows: number, n: number, out: Float32Array): void {
  for (let r = 0, p = 0; r < rows; r++, p += n) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = p;
    const end = p + n;
    for (; j + 3 < end; j += 4) {
      s0 += a[j];
      s1 += a[j + 1];
      s2 += a[j + 2];
      s3 += a[j + 3];
    }
    for (; j < end; j++) s0 += a[j];
    out[r] = s0 + s1 + (s2 + s3);
  }
}

function maxRows(a: Float32Array, rows: number, n: number, out: Float32Array): void {
  for (let r = 0, p = 0; r < rows; r++, p += n) {
    let m0 = -Infinity;
    let m1 = -Infinity;
    let j = p;
    const end = p + n;
    for (; j + 1 < end; j += 2) {
      if (a[j] > m0) m0 = a[j];
      if (a[j + 1] > m1) m1 = a[j + 1];
    }
    if (j < end && a[j] > m0) m0 = a[j];
    out[r] = m0 > m1 ? m0 : m1;
  }
}

function minRows(a: Float32Array, rows: number, n: number, out: Float32Array): void {
  for (let r = 0, p = 0; r < rows; r++, p += n) {
    let m0 = Infinity;
    let m1 = Infinity;
    let j = p;
    const end = p + n;
    for (; j + 1 < end; j += 2) {
      if (a[j] < m0) m0 = a[j];
      if (a[j + 1] < m1) m1 = a[j + 1];
    }
    if (j < end && a[j] < m0) m0 = a[j];
    out[r] = m0 < m1 ? m0 : m1;
  }
}

function prodRows(a: Float32Array, rows: number, n: number, out: Float32Array): void {
  for (let r = 0, p = 0; r < rows; r++, p += n) {
    let acc = 1;
    for (let j = p; j < p + n; j++) acc *= a[j];
    out[r] = acc;
  }
}

// Reducing a leading or middle block: walk it row by row so the inner loop is contiguous.
let scratch = new Float64Array(0);

function accumulateCols(
  a: Float32Array,
  outer: number,
  n: number,
  inner: number,
  isProd: boolean,
  out: Float32Array,
): void {
  if (scratch.length < inner) scratch = new Float64Array(inner);
  const acc = scratch;
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let j = 0; j < inner; j++) acc[j] = a[base + j];
    let r = 1;
    if (!isProd) {
      // Four rows per pass: a quarter of the loads and stores of the accumulator row.
      for (; r + 3 < n; r += 4) {
        const r0 = base + r * inner;
        const r1 = r0 + inner;
        const r2 = r1 + inner;
        const r3 = r2 + inner;
        for (let j = 0; j < inner; j++) acc[j] += a[r0 + j] + a[r1 + j] + (a[r2 + j] + a[r3 + j]);
      }
    }
    for (; r < n; r++) {
      const row = base + r * inner;
      if (isProd) for (let j = 0; j < inner; j++) acc[j] *= a[row + j];
      else for (let j = 0; j < inner; j++) acc[j] += a[row + j];
    }
    const dst = o * inner;
    for (let j = 0; j < inner; j++) out[dst + j] = acc[j];
  }
}

function extremeCols(
  a: Float32Array,
  outer: number,
  n: number,
  inner: number,
  isMax: boolean,
  out: Float32Array,
): void {
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    const dst = o * inner;
    out.set(a.subarray(base, base + inner), dst);
    for (let r = 1; r < n; r++) {
      const row = base + r * inner;
      if (isMax) {
        for (let j = 0; j < inner; j++) if (a[row + j] > out[dst + j]) out[dst + j] = a[row + j];
      } else {
        for (let j = 0; j < inner; j++) if (a[row + j] < out[dst + j]) out[dst + j] = a[row + j];
      }
    }
  }
}
