import { describe, expect, it } from 'vitest';
import { lttbIndices } from './downsample.js';

describe('lttbIndices', () => {
  it('keeps everything when the series is short enough', () => {
    expect(lttbIndices([1, 2, 3], [3, 2, 1], 5)).toEqual([0, 1, 2]);
    expect(lttbIndices([], [], 5)).toEqual([]);
  });

  it('keeps the first and last points, at most maxPoints, in order', () => {
    const x = Array.from({ length: 1000 }, (_, i) => i + 1);
    const y = x.map((e) => 1 / e + 0.01 * Math.sin(e));
    for (const m of [2, 3, 10, 999]) {
      const idx = lttbIndices(x, y, m);
      expect(idx).toHaveLength(m);
      expect(idx[0]).toBe(0);
      expect(idx.at(-1)).toBe(999);
      for (let i = 1; i < idx.length; i++) expect(idx[i]).toBeGreaterThan(idx[i - 1]);
    }
  });

  it('keeps a spike that uniform sampling would drop', () => {
    const x = Array.from({ length: 100 }, (_, i) => i);
    const y = x.map((i) => (i === 37 ? 10 : 1));
    expect(lttbIndices(x, y, 10)).toContain(37);
  });
});
