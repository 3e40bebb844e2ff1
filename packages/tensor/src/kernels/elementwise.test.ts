// `arith` has its own loops for same-size and row-broadcast operands; everything else goes to
// mapBinary. Both must give bit-identical values, so each case is checked against mapBinary
// with the op as a closure (the path every shape took before the fast paths).
import { describe, expect, it } from 'vitest';
import { broadcastShapes, type Shape } from '../shape.js';
import { Arith, arith, mapBinary, type BinaryFn } from './elementwise.js';

const OPS: [string, Arith, BinaryFn][] = [
  ['add', Arith.Add, (x, y) => x + y],
  ['sub', Arith.Sub, (x, y) => x - y],
  ['mul', Arith.Mul, (x, y) => x * y],
  ['div', Arith.Div, (x, y) => x / y],
];

// Same size, row operand on either side (with and without leading 1s), odd sizes, and shapes
// that must not take a fast path: column broadcast, middle-axis broadcast, scalars, size 1 rows.
const SHAPES: [Shape, Shape][] = [
  [
    [3, 5, 7],
    [3, 5, 7],
  ],
  [
    [1, 5, 7],
    [5, 7],
  ],
  [[4, 3, 3, 5], [5]],
  [[7], [2, 3, 7]],
  [
    [2, 9],
    [1, 9],
  ],
  [
    [1, 1, 9],
    [3, 2, 9],
  ],
  [
    [6, 1],
    [1, 5],
  ],
  [
    [4, 3],
    [4, 1],
  ],
  [
    [2, 3, 4],
    [3, 1],
  ],
  [
    [2, 3, 4],
    [1, 3, 4],
  ],
  [[5, 3], []],
  [[], [5, 3]],
  [[5, 1], [1]],
  [[0, 3], [3]],
];

function values(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(seed * 7.1 + i * 1.3) * 3 + (i % 3 === 0 ? 0.5 : -0.25);
  return a;
}

const size = (s: Shape): number => s.reduce((p, d) => p * d, 1);

describe('arith', () => {
  for (const [name, op, f] of OPS) {
    it.each(SHAPES)(`${name} of %j and %j equals the generic broadcast bit for bit`, (sa, sb) => {
      const a = values(size(sa), 1);
      const b = values(size(sb), 2);
      const out = broadcastShapes(sa, sb);
      const expected = mapBinary(a, sa, b, sb, out, f);
      expect(arith(op, a, sa, b, sb, out)).toEqual(expected);
    });
  }

  it('reads operands that are subarrays at an offset', () => {
    const buffer = values(40, 3);
    const a = buffer.subarray(5, 35);
    const b = buffer.subarray(1, 6);
    expect(arith(Arith.Sub, a, [6, 5], b, [5], [6, 5])).toEqual(mapBinary(a, [6, 5], b, [5], [6, 5], (x, y) => x - y));
  });

  it('keeps IEEE special values', () => {
    const a = new Float32Array([1, -1, 0, Infinity, NaN, -0]);
    const b = new Float32Array([0, 0, 0, Infinity, 1, 0]);
    expect([...arith(Arith.Div, a, [6], b, [6], [6])]).toEqual([Infinity, -Infinity, NaN, NaN, NaN, NaN]);
    expect(Object.is(arith(Arith.Add, a, [6], b, [6], [6])[5], 0)).toBe(true);
  });
});
