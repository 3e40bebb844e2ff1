import { describe, expect, it } from 'vitest';
import { Rng } from './random.js';

describe('Rng', () => {
  it('repeats its stream for a seed and differs between seeds', () => {
    const draw = (seed: number) => Array.from({ length: 8 }, (() => { const r = new Rng(seed); return () => r.nextUint32(); })());
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
  });

  it('draws uniforms in [0, 1) and standard normals with the right moments', () => {
    const r = new Rng(1);
    const n = 100_000;
    let umin = 1, umax = 0, usum = 0, sum = 0, sq = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      umin = Math.min(umin, u);
      umax = Math.max(umax, u);
      usum += u;
      const z = r.normal();
      sum += z;
      sq += z * z;
    }
    expect(umin).toBeGreaterThanOrEqual(0);
    expect(umax).toBeLessThan(1);
    expect(usum / n).toBeCloseTo(0.5, 2);
    expect(sum / n).toBeCloseTo(0, 1);
    expect(sq / n).toBeCloseTo(1, 1);
  });

  it('shuffles into a permutation', () => {
    const a = new Rng(3).shuffle(Int32Array.from({ length: 1000 }, (_, i) => i));
    expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([...a.subarray(0, 10)]).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
