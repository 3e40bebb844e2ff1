import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTINS } from './builtins.js';
import { CLASSIC_DIR, featureStats, loadClassic, readClassicTable, type ClassicName } from './classic.js';
import { loadBuiltin } from './load.js';
import { expectDataErrorAsync } from './test-utils/expect-error.js';

// Counts from scikit-learn's documentation of each loader; first rows copied from the CSV files.
const EXPECTED: {
  name: ClassicName;
  n: number;
  features: number;
  classes?: number;
  first: number[];
  firstY: number;
  lastY: number;
}[] = [
  { name: 'iris', n: 150, features: 4, classes: 3, first: [5.1, 3.5, 1.4, 0.2], firstY: 0, lastY: 2 },
  {
    name: 'wine',
    n: 178,
    features: 13,
    classes: 3,
    first: [14.23, 1.71, 2.43, 15.6, 127, 2.8, 3.06, 0.28, 2.29, 5.64, 1.04, 3.92, 1065],
    firstY: 0,
    lastY: 2,
  },
  {
    name: 'breast-cancer',
    n: 569,
    features: 30,
    classes: 2,
    first: [17.99, 10.38, 122.8, 1001, 0.1184],
    firstY: 0,
    lastY: 1,
  },
  {
    name: 'digits',
    n: 1797,
    features: 64,
    classes: 10,
    first: [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0],
    firstY: 0,
    lastY: 8,
  },
  {
    name: 'boston-housing',
    n: 506,
    features: 13,
    first: [0.00632, 18, 2.31, 0, 0.538, 6.575, 65.2, 4.09, 1, 296, 15.3, 396.9, 4.98],
    firstY: 24,
    lastY: 11.9,
  },
  {
    name: 'diabetes',
    n: 442,
    features: 10,
    first: [59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87],
    firstY: 151,
    lastY: 57,
  },
];

describe('classic datasets: the files as shipped', () => {
  it('resolves the datasets folder from the module, which works from src/ and dist/ alike', () => {
    expect(CLASSIC_DIR).toBe(fileURLToPath(new URL('../datasets/', import.meta.url)));
    expect(existsSync(`${CLASSIC_DIR}LICENSES.md`)).toBe(true);
  });

  it.each(EXPECTED)('$name: $n samples × $features features, first and last rows as in the CSV', async (e) => {
    const t = await readClassicTable(e.name);
    expect([t.n, t.features, t.classes]).toEqual([e.n, e.features, e.classes]);
    expect(t.x.length).toBe(e.n * e.features);
    expect(Array.from(t.x.subarray(0, e.first.length))).toEqual(e.first.map(Math.fround));
    expect(t.y[0]).toBe(Math.fround(e.firstY));
    expect(t.y[e.n - 1]).toBe(Math.fround(e.lastY));
    for (const v of t.x) expect(Number.isFinite(v)).toBe(true);
  });

  it('holds the documented class counts (iris 50 each, wine 59/71/48, breast cancer 212 malignant/357 benign, digits 0..9 all present)', async () => {
    const counts = async (name: ClassicName): Promise<number[]> => {
      const t = await readClassicTable(name);
      const c = new Array<number>(t.classes!).fill(0);
      for (const label of t.y) c[label]++;
      return c;
    };
    expect(await counts('iris')).toEqual([50, 50, 50]);
    expect(await counts('wine')).toEqual([59, 71, 48]);
    expect(await counts('breast-cancer')).toEqual([212, 357]);
    const digits = await counts('digits');
    expect(digits.reduce((a, b) => a + b)).toBe(1797);
    expect(Math.min(...digits)).toBeGreaterThan(170);
  });

  it('keeps digit pixels as counts 0..16 and Boston prices between $5k and $50k', async () => {
    const d = await readClassicTable('digits');
    expect(Math.min(...d.x)).toBe(0);
    expect(Math.max(...d.x)).toBe(16);
    const b = await readClassicTable('boston-housing');
    expect(Math.min(...b.y)).toBe(5);
    expect(Math.max(...b.y)).toBe(50);
  });
});

describe('loadClassic', () => {
  it.each(EXPECTED)('$name: a 20% test split by default, shapes matching BUILTINS', async (e) => {
    const ds = await loadClassic(e.name);
    const info = BUILTINS.find((b) => b.name === e.name)!;
    const nTest = Math.round(e.n * 0.2);
    expect(info).toMatchObject({
      kind: 'bundled',
      samples: e.n,
      sampleShape: [e.features],
      classes: e.classes ?? 0,
      task: e.classes ? 'classification' : 'regression',
    });
    expect(ds.x.shape).toEqual([e.n - nTest, ...info.sampleShape]);
    expect(ds.test!.x.shape).toEqual([nTest, e.features]);
    // Regression targets are [N, 1] and there is no class count; class labels are [N] indices.
    expect(ds.y.shape).toEqual(e.classes ? [e.n - nTest] : [e.n - nTest, 1]);
    expect(ds.classes).toBe(e.classes);
    if (e.classes)
      for (const label of [...ds.y.data, ...ds.test!.y.data])
        expect(Number.isInteger(label) && label >= 0 && label < e.classes).toBe(true);
  });

  it('splits deterministically by seed, into disjoint parts that together hold every row once', async () => {
    const raw = await readClassicTable('wine');
    const rowKey = (x: Float32Array, i: number): string => Array.from(x.subarray(i * 13, i * 13 + 13)).join(',');
    const a = await loadClassic('wine', { standardize: 0, seed: 3 });
    expect(await loadClassic('wine', { standardize: 0, seed: 3 })).toEqual(a);
    expect((await loadClassic('wine', { standardize: 0, seed: 4 })).x.data).not.toEqual(a.x.data);
    const train = Array.from({ length: a.x.shape[0] }, (_, i) => rowKey(a.x.data, i));
    const test = Array.from({ length: a.test!.x.shape[0] }, (_, i) => rowKey(a.test!.x.data, i));
    const all = Array.from({ length: raw.n }, (_, i) => rowKey(raw.x, i));
    expect(new Set(all).size).toBe(raw.n); // wine has no duplicate rows, so rows identify samples
    expect(test.filter((r) => train.includes(r))).toEqual([]);
    expect([...train, ...test].sort()).toEqual([...all].sort());
    // Labels travel with their rows.
    const labelOf = new Map(all.map((r, i) => [r, raw.y[i]]));
    train.forEach((r, i) => expect(a.y.data[i]).toBe(labelOf.get(r)));
  });

  it('standardises with training-split statistics only, applied unchanged to the test split', async () => {
    const raw = await loadClassic('boston-housing', { standardize: 0, seed: 9, test_split: 0.3 });
    const std = await loadClassic('boston-housing', { seed: 9, test_split: 0.3 });
    const d = 13;
    const nTrain = raw.x.shape[0];
    const stats = featureStats(
      raw.x.data,
      d,
      Int32Array.from({ length: nTrain }, (_, i) => i),
    );
    // Training features have mean 0 and std 1 …
    const trainStats = featureStats(
      std.x.data,
      d,
      Int32Array.from({ length: nTrain }, (_, i) => i),
    );
    for (let f = 0; f < d; f++) {
      expect(trainStats.mean[f]).toBeCloseTo(0, 5);
      expect(trainStats.std[f]).toBeCloseTo(1, 4);
    }
    // … and every test value is (raw − train mean) / train std, not a statistic of the test rows.
    const t = raw.test!.x.data;
    for (let i = 0; i < t.length; i++)
      expect(std.test!.x.data[i]).toBeCloseTo((t[i] - stats.mean[i % d]) / stats.std[i % d], 4);
    const testStats = featureStats(
      std.test!.x.data,
      d,
      Int32Array.from({ length: std.test!.x.shape[0] }, (_, i) => i),
    );
    expect(Array.from(testStats.mean).some((m) => Math.abs(m) > 0.01)).toBe(true);
    // Targets are never scaled.
    expect(std.y.data).toEqual(raw.y.data);
  });

  it('keeps constant features finite (digits has all-zero pixels) and takes test_split 0 as no test split', async () => {
    const ds = await loadClassic('digits', { standardize: 1, test_split: 0 });
    expect(ds.test).toBeUndefined();
    expect(ds.x.shape).toEqual([1797, 64]);
    for (const v of ds.x.data) expect(Number.isFinite(v)).toBe(true);
    expect(ds.x.data[0]).toBe(0); // pixel 0 is 0 in every image: mean 0, scale 1
  });

  it('is what loadBuiltin returns, after the same option checks', async () => {
    expect(await loadBuiltin('iris', { seed: 2 })).toEqual(await loadClassic('iris', { seed: 2 }));
    await expectDataErrorAsync(loadBuiltin('iris', { test_split: 0.9 }), 'DATASET_INVALID_OPTION', /test_split/);
    await expectDataErrorAsync(loadBuiltin('wine', { standardize: 0.5 }), 'DATASET_INVALID_OPTION', /standardize/);
    await expectDataErrorAsync(loadBuiltin('digits', { samples: 10 }), 'DATASET_INVALID_OPTION', /samples/);
  });
});
