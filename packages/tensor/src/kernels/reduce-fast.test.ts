import { describe, expect, it } from 'vitest';
import { Rng } from '../random.js';
import { sizeOf, stridesOf } from '../shape.js';
import { maxAxes, minAxes, prodAxes, reducedShape, sumAxes } from './reduce.js';
import { asBlock } from './reduce-fast.js';

// Reference: visit every element, compute its output offset from scratch, combine in float64.
function naive(
  a: Float32Array,
  shape: number[],
  axes: number[],
  init: number,
  f: (acc: number, v: number) => number,
): Float64Array {
  const keep = reducedShape(shape, axes);
  const ks = stridesOf(keep);
  const out = new Float64Array(sizeOf(keep)).fill(init);
  const strides = stridesOf(shape);
  for (let i = 0; i < a.length; i++) {
    let o = 0;
    for (let ax = 0; ax < shape.length; ax++)
      if (!axes.includes(ax)) o += (Math.floor(i / strides[ax]) % shape[ax]) * ks[ax];
    out[o] = f(out[o], a[i]);
  }
  return out;
}

// Shapes with size-1 axes between and around the reduced ones, so every fast path and the
// odometer fallback are exercised.
const CASES: [number[], number[]][] = [
  [[6, 7], [1]],
  [[6, 7], [0]],
  [
    [3, 1, 5],
    [0, 2],
  ],
  [
    [2, 3, 1, 4],
    [1, 2],
  ],
  [
    [2, 3, 4, 5],
    [1, 2],
  ],
  [
    [2, 3, 4, 5],
    [0, 2],
  ],
  [[1, 9, 1], [1]],
  [[4, 1, 3], [1]],
  [
    [5, 2, 3],
    [0, 1, 2],
  ],
];

describe('reduction kernels', () => {
  it('finds the single reduced block, skipping size-1 axes', () => {
    expect(asBlock([6, 7], [1])).toEqual([6, 7, 1]);
    expect(asBlock([6, 7], [0])).toEqual([1, 6, 7]);
    expect(asBlock([3, 1, 5], [0, 2])).toEqual([1, 15, 1]);
    expect(asBlock([3, 2, 5], [0, 2])).toBeNull();
    expect(asBlock([3, 1, 5], [0, 1])).toEqual([1, 3, 5]);
    expect(asBlock([2, 3, 1, 4], [1, 2])).toEqual([2, 3, 4]);
    expect(asBlock([4, 1, 3], [1])).toEqual([12, 1, 1]);
  });
  it.each(CASES)('match a naive reference for %j over %j (sum, max, min, prod)', (shape, axes) => {
    const rng = new Rng(3);
    const a = new Float32Array(sizeOf(shape)).map(() => rng.uniform(0.5, 1.5) * (rng.uniform(0, 1) < 0.5 ? -1 : 1));
    const check = (got: Float32Array, want: Float64Array): void => {
      expect(got.length).toBe(want.length);
      for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i], 4);
    };
    check(
      sumAxes(a, shape, axes),
      naive(a, shape, axes, 0, (s, v) => s + v),
    );
    check(maxAxes(a, shape, axes), naive(a, shape, axes, -Infinity, Math.max));
    check(minAxes(a, shape, axes), naive(a, shape, axes, Infinity, Math.min));
    check(
      prodAxes(a, shape, axes),
      naive(a, shape, axes, 1, (p, v) => p * v),
    );
  });
});
