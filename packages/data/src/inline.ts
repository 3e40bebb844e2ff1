import { DataError } from './errors.js';
import type { Dataset } from './types.js';

/** Caps on inline data; the defaults match the api's schema (10,000 samples) and its 8 MiB body. */
export interface InlineLimits {
  maxSamples?: number;
  /** Numbers in x and y together. */
  maxValues?: number;
}

export const INLINE_LIMITS = { maxSamples: 10_000, maxValues: 4_000_000 } as const;

// [N, height, width, channels] is the deepest sample Keras layers here consume; one level of slack.
const MAX_RANK = 5;
// A label of 1e9 would ask for a billion-unit output layer; no inline dataset has 10,000 classes.
const MAX_CLASSES = 10_000;

const pointer = (root: string, idx: number[]): string => [root, ...idx].join('/');

function describe(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v);
  if (v === null || v === undefined || typeof v === 'boolean') return String(v);
  return Array.isArray(v) ? 'an array' : 'an object';
}

/** The shape implied by following the first element down, e.g. [[1, 2], [3, 4], [5, 6]] → [3, 2]. */
function inferShape(root: string, top: unknown[]): number[] {
  const shape = [top.length];
  let v: unknown = top[0];
  while (Array.isArray(v)) {
    if (v.length === 0) {
      const path = pointer(
        root,
        shape.map(() => 0),
      );
      throw new DataError('DATASET_INVALID', `${path} is an empty array`, { path });
    }
    shape.push(v.length);
    if (shape.length > MAX_RANK) {
      throw new DataError('DATASET_SHAPE_MISMATCH', `${root} is nested more than ${MAX_RANK} deep`, { path: root });
    }
    v = v[0];
  }
  return shape;
}

/**
 * Copies a nested array of the given shape into `out` (C order), checking that every row has the
 * same length and every leaf is a number that stays finite as float32.
 */
function flatten(root: string, top: unknown[], shape: number[], out: Float32Array): void {
  const idx: number[] = [];
  let offset = 0;
  const walk = (arr: unknown[], depth: number): void => {
    const last = depth === shape.length - 1;
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      idx[depth] = i;
      if (!last) {
        const want = shape[depth + 1];
        if (!Array.isArray(v) || v.length !== want) {
          const got = Array.isArray(v) ? `${v.length}` : describe(v);
          const path = pointer(root, idx.slice(0, depth + 1));
          throw new DataError(
            'DATASET_SHAPE_MISMATCH',
            `${path} should be an array of ${want} values (like ${pointer(root, new Array<number>(depth + 1).fill(0))}), got ${got}`,
            {
              path,
              expected: want,
            },
          );
        }
        walk(v, depth + 1);
        continue;
      }
      const path = (): string => pointer(root, idx.slice(0, depth + 1));
      if (Array.isArray(v)) {
        throw new DataError(
          'DATASET_SHAPE_MISMATCH',
          `${path()} should be a number (like ${pointer(root, new Array<number>(depth + 1).fill(0))}), got an array`,
          { path: path() },
        );
      }
      // Strings such as "NaN" and the null that JSON.stringify writes for NaN are non-finite data, not a shape problem.
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new DataError('DATASET_NON_FINITE', `${path()} must be a finite number, got ${describe(v)}`, {
          path: path(),
        });
      }
      const f = Math.fround(v);
      if (!Number.isFinite(f)) {
        throw new DataError('DATASET_NON_FINITE', `${path()} is ${v}, which overflows float32`, { path: path() });
      }
      out[offset++] = f;
    }
  };
  walk(top, 0);
}

function topArray(root: string, v: unknown, maxSamples: number): unknown[] {
  if (!Array.isArray(v))
    throw new DataError('DATASET_INVALID', `${root} must be an array with one entry per sample, got ${describe(v)}`, {
      path: root,
    });
  if (v.length === 0) throw new DataError('DATASET_INVALID', `${root} must not be empty`, { path: root });
  if (v.length > maxSamples) {
    throw new DataError(
      'DATASET_TOO_LARGE',
      `${root} has ${v.length} samples; inline data is limited to ${maxSamples}`,
      { path: root, limit: maxSamples },
    );
  }
  return v;
}

const product = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Turns a job's inline `{ x, y }` (nested JSON arrays) into a dataset. A 1-D `y` holds class
 * indices (non-negative integers, `classes` = max + 1); a 2-D `y` holds targets of any finite
 * value (regression, one-hot). A 1-D `x` is one feature per sample, as Keras expands it.
 * Errors name the offending JSON pointer, e.g. `/x/3/1`.
 */
export function fromInline(body: { x: unknown; y: unknown }, limits: InlineLimits = {}): Dataset {
  const maxSamples = limits.maxSamples ?? INLINE_LIMITS.maxSamples;
  const maxValues = limits.maxValues ?? INLINE_LIMITS.maxValues;
  if (body === null || typeof body !== 'object')
    throw new DataError('DATASET_INVALID', 'Inline data must be an object { x, y }', { path: '' });

  const xs = topArray('/x', body.x, maxSamples);
  const ys = topArray('/y', body.y, maxSamples);
  if (xs.length !== ys.length) {
    throw new DataError(
      'DATASET_SHAPE_MISMATCH',
      `x has ${xs.length} samples but y has ${ys.length}; they must match`,
      {
        path: '/y',
        x_samples: xs.length,
        y_samples: ys.length,
      },
    );
  }
  const xShape = inferShape('/x', xs);
  const yShape = inferShape('/y', ys);
  if (yShape.length > 2) {
    throw new DataError(
      'DATASET_SHAPE_MISMATCH',
      `y must be [N] class indices or [N, k] targets, got shape [${yShape.join(', ')}]`,
      { path: '/y' },
    );
  }
  // Checked before anything is allocated or walked, so an oversized body costs nothing.
  const values = product(xShape) + product(yShape);
  if (values > maxValues) {
    throw new DataError('DATASET_TOO_LARGE', `Inline data has ${values} numbers; the limit is ${maxValues}`, {
      path: '',
      values,
      limit: maxValues,
    });
  }

  const x = new Float32Array(product(xShape));
  flatten('/x', xs, xShape, x);
  const y = new Float32Array(product(yShape));
  flatten('/y', ys, yShape, y);

  const n = xs.length;
  const dataset: Dataset = {
    name: 'inline',
    x: { data: x, shape: xShape.length === 1 ? [n, 1] : xShape },
    y: { data: y, shape: yShape },
  };
  if (yShape.length === 1) {
    let max = 0;
    for (let i = 0; i < n; i++) {
      // The JSON value, not its float32 rounding, so 0.1 is reported as 0.1.
      const label = ys[i] as number;
      if (!Number.isInteger(label) || label < 0 || label >= MAX_CLASSES) {
        throw new DataError(
          'DATASET_LABEL_OUT_OF_RANGE',
          `/y/${i} is ${label}; a 1-D y holds class indices, integers from 0 to ${MAX_CLASSES - 1} (send y as [N, 1] for regression targets)`,
          { path: `/y/${i}`, value: label },
        );
      }
      if (label > max) max = label;
    }
    dataset.classes = max + 1;
  }
  return dataset;
}
