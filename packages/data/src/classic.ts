import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { Rng } from '@trainyard/tensor';
import { resolveOptions } from './builtins.js';
import { DataError } from './errors.js';
import type { Dataset, NdArray } from './types.js';

/** The small classic datasets shipped in packages/data/datasets (copied from Debian's python3-sklearn). */
export type ClassicName = 'iris' | 'wine' | 'breast-cancer' | 'digits' | 'boston-housing' | 'diabetes';

/**
 * The shipped folder. Resolved from this module, not the working directory: src/ and dist/ both sit
 * one level below the package root, so the same URL works from sources and from the build.
 */
export const CLASSIC_DIR = fileURLToPath(new URL('../datasets/', import.meta.url));

/** Features and targets in file order, before any split. */
interface Table {
  x: Float32Array;
  y: Float32Array;
  n: number;
  features: number;
  classes?: number;
}

const gunzipAsync = promisify(gunzip);

async function readText(file: string): Promise<string> {
  const path = CLASSIC_DIR + file;
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new DataError(
      'DATASET_NOT_INSTALLED',
      `Cannot read ${path} (${(err as { code?: string }).code ?? 'unreadable'}); it ships with @trainyard/data`,
      { path },
    );
  }
  if (file.endsWith('.gz')) bytes = await gunzipAsync(bytes);
  return bytes.toString('utf8');
}

function corrupt(file: string, message: string): DataError {
  return new DataError('DATASET_CORRUPT', `${CLASSIC_DIR + file}: ${message}`, { path: CLASSIC_DIR + file });
}

/** Splits lines (dropping blank ones) into finite numbers, checking each row has `width` fields. */
function numericRows(file: string, lines: string[], width: number, sep: RegExp, firstLine: number): number[][] {
  return lines.map((line, i) => {
    const row = line.trim().split(sep).map(Number);
    if (row.length !== width || row.some((v) => !Number.isFinite(v))) {
      throw corrupt(file, `line ${firstLine + i} should hold ${width} numbers, got "${line.slice(0, 80)}"`);
    }
    return row;
  });
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '');
}

/**
 * sklearn's load_csv_data format (iris, wine, breast cancer): a first line "n_samples,n_features,
 * class names…", then rows of features with the class index last. `skipHeader` skips Boston's
 * extra column-name line; `regression` keeps the last column as a float target.
 */
async function sklearnCsv(file: string, opts: { skipHeader?: boolean; regression?: boolean } = {}): Promise<Table> {
  const all = lines(await readText(file));
  const head = all[0].split(',');
  const n = Number(head[0]);
  const features = Number(head[1]);
  if (!Number.isInteger(n) || !Number.isInteger(features))
    throw corrupt(file, `first line should start "n_samples,n_features", got "${all[0]}"`);
  const body = all.slice(opts.skipHeader ? 2 : 1);
  if (body.length !== n) throw corrupt(file, `header announces ${n} samples, found ${body.length} rows`);
  const classes = opts.regression ? undefined : head.slice(2).filter((c) => c !== '').length;
  return fromRows(file, numericRows(file, body, features + 1, /,/, opts.skipHeader ? 3 : 2), features, classes);
}

/** Rows of features with the target last → a Table, checking labels against `classes`. */
function fromRows(file: string, rows: number[][], features: number, classes: number | undefined): Table {
  const n = rows.length;
  const x = new Float32Array(n * features);
  const y = new Float32Array(n);
  rows.forEach((row, i) => {
    for (let f = 0; f < features; f++) x[i * features + f] = row[f];
    const target = row[features];
    if (classes !== undefined && !(Number.isInteger(target) && target >= 0 && target < classes)) {
      throw corrupt(file, `row ${i} has label ${target}; expected a class index below ${classes}`);
    }
    y[i] = target;
  });
  return { x, y, n, features, ...(classes !== undefined ? { classes } : {}) };
}

/** The file(s) and format of each dataset. */
const READERS: Record<ClassicName, () => Promise<Table>> = {
  iris: () => sklearnCsv('iris.csv'),
  wine: () => sklearnCsv('wine_data.csv'),
  'breast-cancer': () => sklearnCsv('breast_cancer.csv.gz'),
  // The first line is "506,13,,,…" (empty class names), the second the column names CRIM … MEDV.
  'boston-housing': () => sklearnCsv('boston_house_prices.csv.gz', { skipHeader: true, regression: true }),
  // No header: 64 pixel counts (0..16) then the digit.
  digits: async () => {
    const file = 'digits.csv.gz';
    return fromRows(file, numericRows(file, lines(await readText(file)), 65, /,/, 1), 64, 10);
  },
  // Two headerless space-separated files: the 10 raw (unscaled) baseline variables, and the target.
  diabetes: async () => {
    const [xs, ys] = await Promise.all([readText('diabetes_data_raw.csv.gz'), readText('diabetes_target.csv.gz')]);
    const xRows = numericRows('diabetes_data_raw.csv.gz', lines(xs), 10, /\s+/, 1);
    const yRows = numericRows('diabetes_target.csv.gz', lines(ys), 1, /\s+/, 1);
    if (xRows.length !== yRows.length)
      throw corrupt('diabetes_target.csv.gz', `${yRows.length} targets for ${xRows.length} samples`);
    return fromRows(
      'diabetes_data_raw.csv.gz',
      xRows.map((r, i) => [...r, yRows[i][0]]),
      10,
      undefined,
    );
  },
};

/** Reads a dataset exactly as the file holds it, in file order (tests compare it with the CSV). */
export function readClassicTable(name: ClassicName): Promise<Table> {
  return READERS[name]();
}

/** Per-feature mean and standard deviation over the given rows (population std, as sklearn's StandardScaler). */
export function featureStats(
  x: Float32Array,
  features: number,
  rows: ArrayLike<number>,
): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(features);
  const std = new Float64Array(features);
  for (let i = 0; i < rows.length; i++) for (let f = 0; f < features; f++) mean[f] += x[rows[i] * features + f];
  for (let f = 0; f < features; f++) mean[f] /= rows.length;
  for (let i = 0; i < rows.length; i++) {
    for (let f = 0; f < features; f++) std[f] += (x[rows[i] * features + f] - mean[f]) ** 2;
  }
  // A constant column (digits' corner pixels) keeps scale 1, as StandardScaler does, instead of dividing by 0.
  for (let f = 0; f < features; f++) std[f] = Math.sqrt(std[f] / rows.length) || 1;
  return { mean, std };
}

function gather(
  t: Table,
  rows: Int32Array,
  regression: boolean,
  stats?: { mean: Float64Array; std: Float64Array },
): { x: NdArray; y: NdArray } {
  const d = t.features;
  const x = new Float32Array(rows.length * d);
  const y = new Float32Array(rows.length);
  rows.forEach((r, i) => {
    for (let f = 0; f < d; f++) {
      const v = t.x[r * d + f];
      x[i * d + f] = stats ? (v - stats.mean[f]) / stats.std[f] : v;
    }
    y[i] = t.y[r];
  });
  // Regression targets are [N, 1], as Keras expects for a one-unit output.
  return {
    x: { data: x, shape: [rows.length, d] },
    y: { data: y, shape: regression ? [rows.length, 1] : [rows.length] },
  };
}

/**
 * Loads a classic dataset with a seeded split: the rows are shuffled by `seed`, the last
 * round(N × test_split) become `test`. With `standardize` (1) every feature is z-scored with the
 * mean and std of the training rows only, so nothing about the test split leaks into training.
 */
export async function loadClassic(name: ClassicName, options?: Record<string, unknown>): Promise<Dataset> {
  const opts = resolveOptions(name, options);
  const t = await readClassicTable(name);
  const regression = t.classes === undefined;
  const perm = new Rng(opts.seed).shuffle(Int32Array.from({ length: t.n }, (_, i) => i));
  const nTest = Math.round(t.n * opts.test_split!);
  const trainRows = perm.subarray(0, t.n - nTest);
  const testRows = perm.subarray(t.n - nTest);
  const stats = opts.standardize ? featureStats(t.x, t.features, trainRows) : undefined;
  const train = gather(t, trainRows, regression, stats);
  return {
    name,
    ...train,
    ...(t.classes !== undefined ? { classes: t.classes } : {}),
    ...(nTest > 0 ? { test: gather(t, testRows, regression, stats) } : {}),
  };
}
