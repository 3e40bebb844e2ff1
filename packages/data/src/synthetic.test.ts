import { describe, expect, it } from 'vitest';
import { crumple, GAP, uncrumple } from './paper-ball.js';
import { synthetic, type SyntheticOptions } from './synthetic.js';
import { expectDataError } from './test-utils/expect-error.js';
import { knnAccuracy, linearAccuracy, split } from './test-utils/classifiers.js';
import type { SyntheticName } from './builtins.js';
import type { Dataset } from './types.js';

const NAMES: SyntheticName[] = ['spirals', 'xor', 'moons', 'blobs', 'paper-ball'];
const DIMS: Record<SyntheticName, number> = { spirals: 2, xor: 2, moons: 2, blobs: 2, 'paper-ball': 3 };

function counts(ds: Dataset): number[] {
  const c = new Array<number>(ds.classes!).fill(0);
  for (const label of ds.y.data) c[label] += 1;
  return c;
}

/** Mean distance each point moved between two datasets generated from the same seed. */
function meanShift(a: Dataset, b: Dataset, dim: number): number {
  let total = 0;
  const n = a.y.data.length;
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let f = 0; f < dim; f++) d += (a.x.data[i * dim + f] - b.x.data[i * dim + f]) ** 2;
    total += Math.sqrt(d);
  }
  return total / n;
}

describe.each(NAMES)('synthetic %s', (name) => {
  const dim = DIMS[name];

  it('has the documented shapes, float32 features, integer labels and balanced classes', () => {
    const ds = synthetic(name, { samples: 301, seed: 1 });
    expect(ds.name).toBe(name);
    expect(ds.x.shape).toEqual([301, dim]);
    expect(ds.x.data).toBeInstanceOf(Float32Array);
    expect(ds.x.data.length).toBe(301 * dim);
    expect(ds.y.shape).toEqual([301]);
    expect(ds.y.data.every((v) => Number.isInteger(v) && v >= 0 && v < ds.classes!)).toBe(true);
    expect(ds.x.data.every(Number.isFinite)).toBe(true);
    const c = counts(ds);
    expect(c.reduce((a, b) => a + b, 0)).toBe(301);
    expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
  });

  it('shuffles: labels are not in class order', () => {
    const labels = [...synthetic(name, { samples: 200 }).y.data];
    expect(labels).not.toEqual([...labels].sort((a, b) => a - b));
    // Both halves hold both classes in fair measure, so a validation split from the end is representative.
    const ones = labels.slice(100).filter((l) => l === 1).length;
    expect(ones).toBeGreaterThan(20);
  });

  it('is deterministic: the same seed gives identical bytes, another seed other data', () => {
    const a = synthetic(name, { samples: 500, seed: 42 });
    const b = synthetic(name, { samples: 500, seed: 42 });
    const c = synthetic(name, { samples: 500, seed: 43 });
    expect(Buffer.from(a.x.data.buffer).equals(Buffer.from(b.x.data.buffer))).toBe(true);
    expect(Buffer.from(a.y.data.buffer).equals(Buffer.from(b.y.data.buffer))).toBe(true);
    expect(Buffer.from(a.x.data.buffer).equals(Buffer.from(c.x.data.buffer))).toBe(false);
    // Default seed is 0.
    expect(synthetic(name, { samples: 50 }).x.data).toEqual(synthetic(name, { samples: 50, seed: 0 }).x.data);
  });

  it('noise scales the spread: twice the noise moves every point twice as far from the clean position', () => {
    const base: SyntheticOptions = { samples: 400, seed: 9 };
    const clean = synthetic(name, { ...base, noise: 0 });
    const little = synthetic(name, { ...base, noise: 0.05 });
    const more = synthetic(name, { ...base, noise: 0.1 });
    const s1 = meanShift(clean, little, dim);
    const s2 = meanShift(clean, more, dim);
    // Mean length of a dim-dimensional normal vector times the noise: about 0.05·1.25 in 2-D.
    expect(s1).toBeGreaterThan(0.03);
    expect(s2 / s1).toBeCloseTo(2, 3);
    expect(clean.y.data).toEqual(more.y.data);
  });

  it('rejects bad options with DATASET_INVALID_OPTION naming the option', () => {
    expectDataError(() => synthetic(name, { samples: 0 }), 'DATASET_INVALID_OPTION', /samples/);
    expectDataError(() => synthetic(name, { samples: 1e9 }), 'DATASET_INVALID_OPTION', /samples.*100000/);
    expectDataError(() => synthetic(name, { samples: 10.5 }), 'DATASET_INVALID_OPTION', /samples.*integer/);
    expectDataError(() => synthetic(name, { noise: -1 }), 'DATASET_INVALID_OPTION', /noise/);
    expectDataError(() => synthetic(name, { noise: Number.NaN }), 'DATASET_INVALID_OPTION', /noise/);
    expectDataError(() => synthetic(name, { seed: -1 }), 'DATASET_INVALID_OPTION', /seed/);
    expectDataError(
      () => synthetic(name, { samples: '100' } as unknown as SyntheticOptions),
      'DATASET_INVALID_OPTION',
      /samples.*"100"/,
    );
    expectDataError(
      () => synthetic(name, { colour: 'red' } as SyntheticOptions),
      'DATASET_INVALID_OPTION',
      /"colour".*unknown/,
    );
  });
});

describe('spirals', () => {
  it('is not linearly separable but is learnable from neighbours', () => {
    for (const seed of [0, 1]) {
      const ds = synthetic('spirals', { samples: 1000, noise: 0.1, seed });
      const { train, test } = split(ds);
      expect(knnAccuracy(train, test, 2)).toBeGreaterThan(0.95);
      expect(linearAccuracy(train, test, 2)).toBeLessThan(0.7);
    }
  });

  it('has as many arms as classes, still learnable at 3', () => {
    const ds = synthetic('spirals', { samples: 900, classes: 3, seed: 2 });
    expect(ds.classes).toBe(3);
    expect(counts(ds)).toEqual([300, 300, 300]);
    const { train, test } = split(ds);
    expect(knnAccuracy(train, test, 3)).toBeGreaterThan(0.9);
    expect(linearAccuracy(train, test, 3)).toBeLessThan(0.6);
  });

  it('keeps clean points on radius-2 arms', () => {
    const ds = synthetic('spirals', { samples: 500, noise: 0 });
    for (let i = 0; i < 500; i++) {
      const r = Math.hypot(ds.x.data[2 * i], ds.x.data[2 * i + 1]);
      expect(r).toBeGreaterThanOrEqual(0.1 - 1e-6);
      expect(r).toBeLessThanOrEqual(2 + 1e-6);
    }
  });
});

describe('xor', () => {
  it('labels by quadrant: class 1 exactly where the signs differ (without noise)', () => {
    const ds = synthetic('xor', { samples: 1000, noise: 0 });
    for (let i = 0; i < 1000; i++) {
      const [x, y] = [ds.x.data[2 * i], ds.x.data[2 * i + 1]];
      expect(Math.abs(x)).toBeLessThanOrEqual(1);
      expect(Math.abs(y)).toBeLessThanOrEqual(1);
      expect(ds.y.data[i]).toBe(x * y < 0 ? 1 : 0);
    }
    const { train, test } = split(ds);
    expect(linearAccuracy(train, test, 2)).toBeLessThan(0.7);
    expect(knnAccuracy(train, test, 2)).toBeGreaterThan(0.95);
  });
});

describe('moons', () => {
  it("puts clean points on scikit-learn's two half circles", () => {
    const ds = synthetic('moons', { samples: 200, noise: 0 });
    for (let i = 0; i < 200; i++) {
      const [x, y] = [ds.x.data[2 * i], ds.x.data[2 * i + 1]];
      // Outer moon: unit circle around (0, 0), upper half; inner: around (1, 0.5), lower half.
      if (ds.y.data[i] === 0) {
        expect(Math.hypot(x, y)).toBeCloseTo(1, 5);
        expect(y).toBeGreaterThanOrEqual(-1e-6);
      } else {
        expect(Math.hypot(x - 1, y - 0.5)).toBeCloseTo(1, 5);
        expect(y).toBeLessThanOrEqual(0.5 + 1e-6);
      }
    }
    const { train, test } = split(synthetic('moons', { samples: 1000, noise: 0.1 }));
    expect(knnAccuracy(train, test, 2)).toBeGreaterThan(0.97);
    expect(linearAccuracy(train, test, 2)).toBeLessThan(0.92);
  });
});

describe('blobs', () => {
  it('makes `classes` clusters in `features` dimensions with the noise as their spread', () => {
    const ds = synthetic('blobs', { samples: 8000, classes: 4, features: 5, noise: 0.5, seed: 3 });
    expect(ds.x.shape).toEqual([8000, 5]);
    expect(ds.classes).toBe(4);
    expect(counts(ds)).toEqual([2000, 2000, 2000, 2000]);
    // Per-class standard deviation along each axis is the noise (2,000 draws: within ±0.03).
    for (let c = 0; c < 4; c++) {
      for (let f = 0; f < 5; f++) {
        const v = [...ds.y.data.keys()].filter((i) => ds.y.data[i] === c).map((i) => ds.x.data[i * 5 + f]);
        const mean = v.reduce((a, b) => a + b, 0) / v.length;
        expect(mean).toBeGreaterThan(-10.2);
        expect(mean).toBeLessThan(10.2);
        expect(Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length)).toBeGreaterThan(0.47);
        expect(Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length)).toBeLessThan(0.53);
      }
    }
    expect(() => synthetic('blobs', { features: 0 })).toThrow(/features/);
    expect(() => synthetic('blobs', { classes: 5, samples: 4 })).toThrow(/samples.*at least.*5/);
  });
});

describe('paper-ball', () => {
  it('crumples with an exactly invertible map', () => {
    for (const p of [
      [0.3, -0.7, GAP / 2],
      [-1, 1, -GAP / 2],
      [0.01, 0.99, 0.4],
    ] as [number, number, number][]) {
      const q = crumple([...p]);
      expect(Math.hypot(q[0] - p[0], q[1] - p[1], q[2] - p[2])).toBeGreaterThan(0.1);
      const back = uncrumple(q);
      for (let d = 0; d < 3; d++) expect(back[d]).toBeCloseTo(p[d], 12);
    }
  });

  it('keeps the two sheets apart after crumpling, yet interleaved so no plane separates them', () => {
    const ds = synthetic('paper-ball', { samples: 4000, noise: 0, seed: 4 });
    const x = ds.x.data;
    const byClass: number[][] = [[], []];
    ds.y.data.forEach((label, i) => byClass[label].push(i));
    let closest = Infinity;
    for (const i of byClass[0]) {
      for (const j of byClass[1]) {
        const d = (x[3 * i] - x[3 * j]) ** 2 + (x[3 * i + 1] - x[3 * j + 1]) ** 2 + (x[3 * i + 2] - x[3 * j + 2]) ** 2;
        if (d < closest) closest = d;
      }
    }
    expect(Math.sqrt(closest)).toBeGreaterThan(0.02);
    // Every clean point maps back onto its flat sheet.
    for (let i = 0; i < 4000; i += 97) {
      const flat = uncrumple([x[3 * i], x[3 * i + 1], x[3 * i + 2]]);
      expect(flat[2]).toBeCloseTo(ds.y.data[i] === 0 ? -GAP / 2 : GAP / 2, 5);
    }
    const { train, test } = split(ds);
    expect(linearAccuracy(train, test, 2)).toBeLessThan(0.75);
    expect(knnAccuracy(train, test, 2)).toBeGreaterThan(0.95);
  });
});
