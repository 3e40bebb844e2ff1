import { describe, expect, it } from 'vitest';
import { Rng } from '../random.js';
import { gemm } from './gemm.js';

function random(n: number, seed: number): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => r.uniform(-1, 1));
}

// Reference with explicit storage layouts: A is [m,k] or (transA) [k,m]; B is [k,n] or (transB) [n,k].
function naive(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  b: Float32Array,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = s;
    }
  }
  return c;
}

const SIZES: [number, number, number][] = [
  [1, 1, 1],
  [7, 7, 7],
  [33, 33, 33],
  [65, 17, 129],
  [3, 300, 5],
  [130, 9, 260],
  [4, 4, 0],
];
const VARIANTS = [
  ['nn', false, false],
  ['tn', true, false],
  ['nt', false, true],
] as const;

describe('gemm', () => {
  for (const [name, ta, tb] of VARIANTS) {
    it.each(SIZES)(`${name} matches a naive triple loop for m=%d n=%d k=%d`, (m, n, k) => {
      const a = random(m * k, 1);
      const b = random(k * n, 2);
      const c = new Float32Array(m * n).fill(NaN); // must be overwritten
      gemm(ta, tb, m, n, k, a, 0, b, 0, c, 0, false);
      const ref = naive(ta, tb, m, n, k, a, b);
      for (let i = 0; i < c.length; i++) expect(Math.abs(c[i] - ref[i])).toBeLessThan(1e-4 * (1 + Math.sqrt(k)));
    });
  }

  it('accumulates into C and honours offsets', () => {
    const [m, n, k] = [5, 6, 300];
    const a = random(3 + m * k, 3);
    const b = random(2 + k * n, 4);
    const c = new Float32Array(1 + m * n).fill(1);
    gemm(false, false, m, n, k, a, 3, b, 2, c, 1, true);
    const ref = naive(false, false, m, n, k, a.subarray(3), b.subarray(2));
    expect(c[0]).toBe(1);
    for (let i = 0; i < m * n; i++) expect(c[1 + i]).toBeCloseTo(1 + ref[i], 3);
  });
});
