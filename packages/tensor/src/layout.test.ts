import { describe, expect, it } from 'vitest';
import { isRowMajor, packStrided, reshapeStrides, scatterStrided, viewExtent } from './layout.js';

describe('layout helpers', () => {
  it('recognises row-major strides, ignoring size-1 axes', () => {
    expect(isRowMajor([2, 3], [3, 1])).toBe(true);
    expect(isRowMajor([2, 1, 3], [3, 99, 1])).toBe(true);
    expect(isRowMajor([3, 2], [1, 3])).toBe(false);
    expect(isRowMajor([0, 5], [7, 7])).toBe(true);
  });
  it('finds no-copy reshape strides only when merged axes are adjacent in memory', () => {
    // A [3, 2, 4] transpose of a row-major [2, 3, 4]: strides [4, 12, 1].
    expect(reshapeStrides([3, 2, 4], [4, 12, 1], [3, 2, 2, 2])).toEqual([4, 12, 2, 1]);
    expect(reshapeStrides([3, 2, 4], [4, 12, 1], [6, 4])).toBeNull();
    const inserted = reshapeStrides([3, 2], [1, 3], [3, 1, 2]); // the size-1 axis may take any stride
    expect([inserted?.[0], inserted?.[2]]).toEqual([1, 3]);
    expect(reshapeStrides([4], [-2], [2, 2])).toEqual([-4, -2]);
    expect(reshapeStrides([2, 3], [0, 1], [6])).toBeNull();
  });
  it('packs and scatters strided views as inverses, including negative strides', () => {
    const src = Float32Array.from({ length: 12 }, (_, i) => i);
    const packed = packStrided(src, [2, 3], [-6, 2], 6);
    expect(Array.from(packed)).toEqual([6, 8, 10, 0, 2, 4]);
    const back = new Float32Array(12);
    scatterStrided(back, [2, 3], [-6, 2], 6, packed);
    expect(Array.from(back)).toEqual([0, 0, 2, 0, 4, 0, 6, 0, 8, 0, 10, 0]);
    expect(viewExtent([2, 3], [-6, 2], 6)).toEqual([0, 10]);
    expect(packStrided(new Int32Array([1, 2]), [3], [0], 1)).toEqual(new Int32Array([2, 2, 2]));
  });
});
