import { Rng } from '@trainyard/tensor';
import { DataError } from './errors.js';
import type { Dataset, NdArray } from './types.js';

/** Any numeric array a parser hands over (IDX, NPY, CSV, JSON). */
export interface RawArray {
  data: ArrayLike<number> | BigInt64Array | BigUint64Array;
  shape: number[];
}

export interface ArrayOptions {
  /** Name of the dataset (upload, file name). */
  name?: string;
  /** Declared class count: every label must be below it. Default: max label + 1. */
  classes?: number;
  /** Declared shape of one sample; x is reshaped to it when the sizes agree. */
  sampleShape?: number[];
  /** Largest number of values (x and y together) accepted. */
  maxValues?: number;
  /** Where x and y came from, for messages (e.g. the multipart field names). */
  xSource?: string;
  ySource?: string;
}

/** Largest class count a label may imply (a label of 1e9 would ask for a billion-unit output). */
export const MAX_CLASSES = 10_000;
// [N, height, width, channels] is the deepest sample the layers consume; one level of slack.
const MAX_RANK = 5;

const product = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Copies to float32, refusing NaN, ±Infinity and values that overflow float32; names the first bad index. */
function toFloat32(a: RawArray, source: string): Float32Array {
  const n = a.data.length;
  const out = new Float32Array(n);
  const big = a.data instanceof BigInt64Array || a.data instanceof BigUint64Array;
  for (let i = 0; i < n; i++) {
    const v = big ? Number((a.data as BigInt64Array)[i]) : (a.data as ArrayLike<number>)[i];
    const f = Math.fround(v);
    if (!Number.isFinite(f)) {
      const at = unravel(i, a.shape);
      const what = Number.isFinite(v) ? `${v}, which overflows float32` : String(v);
      throw new DataError('DATASET_NON_FINITE', `${source}[${at.join(', ')}] is ${what}; data must be finite numbers`, {
        path: source,
        index: at,
        value: String(v),
      });
    }
    out[i] = f;
  }
  return out;
}

function unravel(i: number, shape: number[]): number[] {
  const at: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    at[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return at;
}

/** True when every row of a [N, k] target holds a single 1 and zeros elsewhere. */
export function isOneHot(y: NdArray): boolean {
  if (y.shape.length !== 2 || y.shape[1] < 2) return false;
  const k = y.shape[1];
  for (let r = 0; r < y.shape[0]; r++) {
    let ones = 0;
    for (let c = 0; c < k; c++) {
      const v = y.data[r * k + c];
      if (v === 1) ones++;
      else if (v !== 0) return false;
    }
    if (ones !== 1) return false;
  }
  return true;
}

/**
 * Checks a feature array and a target array against each other and builds a dataset:
 * the same number of samples, finite values, a 1-D y of integer class indices in range
 * (below `classes` when declared), or a 2-D y of targets (one-hot rows or regression values).
 */
export function fromArrays(x: RawArray, y: RawArray, opts: ArrayOptions = {}): Dataset {
  const xs = opts.xSource ?? 'x';
  const ys = opts.ySource ?? 'y';
  checkSizes(x, y, opts, xs, ys);
  const xShape = sampleShaped(x, opts, xs);
  const dataset: Dataset = {
    name: opts.name ?? 'upload',
    x: { data: toFloat32(x, xs), shape: xShape },
    y: { data: toFloat32(y, ys), shape: [...y.shape] },
  };
  checkTargets(dataset, opts, ys);
  return dataset;
}

// Both arrays hold the same number of samples, of ranks the engine takes, within the size cap.
function checkSizes(x: RawArray, y: RawArray, opts: ArrayOptions, xs: string, ys: string): void {
  if (x.shape.length < 1 || x.shape[0] === 0)
    throw new DataError('DATASET_INVALID', `${xs} holds no samples`, { path: xs });
  if (y.shape.length < 1 || y.shape[0] === 0)
    throw new DataError('DATASET_INVALID', `${ys} holds no samples`, { path: ys });
  const n = x.shape[0];
  if (y.shape[0] !== n) {
    throw new DataError(
      'DATASET_SHAPE_MISMATCH',
      `${xs} has ${n} samples but ${ys} has ${y.shape[0]}; they must match`,
      {
        path: ys,
        x_samples: n,
        y_samples: y.shape[0],
      },
    );
  }
  if (x.shape.length > MAX_RANK)
    throw new DataError(
      'DATASET_SHAPE_MISMATCH',
      `${xs} has shape [${x.shape.join(', ')}]; at most ${MAX_RANK} dimensions`,
      { path: xs },
    );
  if (y.shape.length > 2)
    throw new DataError(
      'DATASET_SHAPE_MISMATCH',
      `${ys} must be [N] class indices or [N, k] targets, got shape [${y.shape.join(', ')}]`,
      { path: ys },
    );
  const values = x.data.length + y.data.length;
  if (opts.maxValues !== undefined && values > opts.maxValues) {
    throw new DataError('DATASET_TOO_LARGE', `The dataset has ${values} numbers; the limit is ${opts.maxValues}`, {
      values,
      limit: opts.maxValues,
    });
  }
}

// x's shape: a 1-D x is [N, 1] as in Keras, and a declared sample shape must hold each sample's values.
function sampleShaped(x: RawArray, opts: ArrayOptions, xs: string): number[] {
  const n = x.shape[0];
  let xShape = x.shape.length === 1 ? [n, 1] : x.shape;
  if (opts.sampleShape) {
    const want = product(opts.sampleShape);
    const have = product(xShape.slice(1));
    if (
      want !== have ||
      opts.sampleShape.some((d) => !Number.isInteger(d) || d < 1) ||
      opts.sampleShape.length > MAX_RANK - 1
    ) {
      throw new DataError(
        'DATASET_SHAPE_MISMATCH',
        `Declared sample shape [${opts.sampleShape.join(', ')}] holds ${want} values but each sample of ${xs} has ${have} (shape [${xShape.slice(1).join(', ')}])`,
        {
          path: xs,
          declared: opts.sampleShape,
          sample_shape: xShape.slice(1),
        },
      );
    }
    xShape = [n, ...opts.sampleShape];
  }
  return xShape;
}

// A 1-D y holds class indices in range (and sets the class count); with classes declared, a 2-D y is one-hot.
function checkTargets(dataset: Dataset, opts: ArrayOptions, ys: string): void {
  const y = dataset.y;
  const n = y.shape[0];
  if (
    opts.classes !== undefined &&
    (!Number.isInteger(opts.classes) || opts.classes < 1 || opts.classes > MAX_CLASSES)
  ) {
    throw new DataError(
      'DATASET_INVALID_OPTION',
      `classes must be an integer from 1 to ${MAX_CLASSES}, got ${opts.classes}`,
      { path: 'classes' },
    );
  }
  if (y.shape.length === 1) {
    const limit = opts.classes ?? MAX_CLASSES;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const label = y.data[i];
      if (!Number.isInteger(label) || label < 0 || label >= limit) {
        throw new DataError(
          'DATASET_LABEL_OUT_OF_RANGE',
          `${ys}[${i}] is ${label}; a 1-D y holds class indices, integers from 0 to ${limit - 1}${opts.classes === undefined ? ' (send y as [N, 1] for regression targets)' : ` (${opts.classes} classes declared)`}`,
          { path: ys, index: i, value: label, classes: opts.classes },
        );
      }
      if (label > max) max = label;
    }
    dataset.classes = opts.classes ?? max + 1;
  } else if (opts.classes !== undefined && !(isOneHot(y) && y.shape[1] === opts.classes)) {
    throw new DataError(
      'DATASET_SHAPE_MISMATCH',
      `${ys} has shape [${y.shape.join(', ')}]; with ${opts.classes} classes declared it must hold class indices [N] or one-hot rows [N, ${opts.classes}]`,
      {
        path: ys,
      },
    );
  }
}

function take(a: NdArray, rows: ArrayLike<number>): NdArray {
  const width = a.data.length / a.shape[0];
  const out = new Float32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) out.set(a.data.subarray(rows[i] * width, (rows[i] + 1) * width), i * width);
  return { data: out, shape: [rows.length, ...a.shape.slice(1)] };
}

/**
 * Holds out a seeded random round(N × fraction) samples as `test` (as the bundled tables do),
 * keeping the rest, in shuffled order, for training. A fraction of 0 returns the dataset as is.
 */
export function splitTest(data: Dataset, fraction: number, seed = 0): Dataset {
  const n = data.x.shape[0];
  const nTest = Math.round(n * fraction);
  if (nTest <= 0) return data;
  if (nTest >= n)
    throw new DataError('DATASET_INVALID_OPTION', `test_split ${fraction} leaves no training samples out of ${n}`, {
      path: 'test_split',
    });
  const perm = new Rng(seed).shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const trainRows = perm.subarray(0, n - nTest);
  const testRows = perm.subarray(n - nTest);
  return {
    ...data,
    x: take(data.x, trainRows),
    y: take(data.y, trainRows),
    test: { x: take(data.x, testRows), y: take(data.y, testRows) },
  };
}
