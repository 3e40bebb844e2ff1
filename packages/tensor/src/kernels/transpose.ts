import { stridesOf, type Shape } from '../shape.js';

const BLOCK = 32;

/** Permutes the axes of a contiguous array: output axis i is input axis perm[i]. */
export function permute(a: Float32Array, shape: Shape, perm: readonly number[]): Float32Array {
  const rank = shape.length;
  const out = new Float32Array(a.length);
  if (a.length === 0) return out;
  if (rank === 2 && perm[0] === 1) {
    transpose2d(a, shape[0], shape[1], out);
    return out;
  }
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const s = perm.map((p) => inStrides[p]);
  if (rank === 0) {
    out[0] = a[0];
    return out;
  }
  const inner = outShape[rank - 1];
  const is = s[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o += inner) {
    let q = src;
    for (let j = 0; j < inner; j++) {
      out[o + j] = a[q];
      q += is;
    }
    for (let ax = rank - 2; ax >= 0; ax--) {
      idx[ax]++;
      src += s[ax];
      if (idx[ax] < outShape[ax]) break;
      src -= s[ax] * outShape[ax];
      idx[ax] = 0;
    }
  }
  return out;
}

// Tiled so that both the reads and the writes of one tile stay in cache.
function transpose2d(a: Float32Array, rows: number, cols: number, out: Float32Array): void {
  for (let i0 = 0; i0 < rows; i0 += BLOCK) {
    const i1 = Math.min(i0 + BLOCK, rows);
    for (let j0 = 0; j0 < cols; j0 += BLOCK) {
      const j1 = Math.min(j0 + BLOCK, cols);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) out[j * rows + i] = a[i * cols + j];
      }
    }
  }
}
