import { describe, expect, it } from 'vitest';
import { Rng } from './random.js';

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('resumes exactly from getState/setState', () => {
    const a = new Rng(7);
    a.normal();
    const state = a.getState();
    const next = [a.uniform(), a.normal(), a.int(0, 10)];
    const b = new Rng(0);
    b.setState(state);
    expect([b.uniform(), b.normal(), b.int(0, 10)]).toEqual(next);
    expect(() => b.setState([0, 0, 0, 0])).toThrow('TENSOR_INVALID_ARGUMENT');
  });

  it('draws uniform, int and normal values with the right ranges and moments', () => {
    const r = new Rng(1);
    const n = 20000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform(2, 3);
      expect(u >= 2 && u < 3).toBe(true);
      const k = r.int(-2, 3);
      expect(Number.isInteger(k) && k >= -2 && k < 3).toBe(true);
      const z = r.normal(1, 2);
      sum += z;
      sumSq += z * z;
    }
    const mean = sum / n;
    expect(mean).toBeCloseTo(1, 1);
    expect(Math.sqrt(sumSq / n - mean * mean)).toBeCloseTo(2, 1);
  });

  it('shuffles into a permutation, reproducibly', () => {
    const a = new Rng(3).shuffle(Array.from({ length: 50 }, (_, i) => i));
    const b = new Rng(3).shuffle(new Int32Array(50).map((_, i) => i));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(b)).toEqual(a);
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('derives independent streams from keys', () => {
    expect(Rng.fromKey(1, 2).nextUint32()).toBe(Rng.fromKey(1, 2).nextUint32());
    expect(Rng.fromKey(1, 2).nextUint32()).not.toBe(Rng.fromKey(1, 3).nextUint32());
  });
});
