import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fromArrays, isOneHot } from './arrays.js';
import { fromJsonData } from './json-data.js';
import { encodeNpy } from './npy.js';
import { parseArrayFile } from './upload.js';
import { expectDataError } from './test-utils/expect-error.js';

/** An IDX file of unsigned bytes, big-endian dims, as MNIST ships them. */
function idx(shape: number[], values: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + values.length);
  out.set([0, 0, 0x08, shape.length]);
  const view = new DataView(out.buffer);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(values, 4 + 4 * shape.length);
  return out;
}

describe('fromArrays', () => {
  it('builds a dataset from typed arrays, class indices and one-hot rows', () => {
    const ds = fromArrays(
      { data: new Uint8Array([1, 2, 3, 4]), shape: [2, 2] },
      { data: new BigInt64Array([1n, 0n]), shape: [2] },
    );
    expect(ds.x.data).toBeInstanceOf(Float32Array);
    expect(ds.classes).toBe(2);
    const oh = fromArrays({ data: [1, 2], shape: [2] }, { data: [0, 1, 1, 0], shape: [2, 2] });
    expect(oh.x.shape).toEqual([2, 1]);
    expect(isOneHot(oh.y)).toBe(true);
    expect(isOneHot({ data: new Float32Array([0.5, 0.5]), shape: [1, 2] })).toBe(false);
  });

  it('refuses mismatched counts, non-finite values, labels out of range and bad declared shapes', () => {
    expectDataError(
      () => fromArrays({ data: [1, 2, 3], shape: [3] }, { data: [0, 1], shape: [2] }),
      'DATASET_SHAPE_MISMATCH',
      /3 samples.*2/,
    );
    expectDataError(
      () => fromArrays({ data: [1, Number.NaN], shape: [1, 2] }, { data: [0], shape: [1] }),
      'DATASET_NON_FINITE',
      /x\[0, 1\] is NaN/,
    );
    expectDataError(
      () => fromArrays({ data: [1, Infinity], shape: [2] }, { data: [0, 0], shape: [2] }),
      'DATASET_NON_FINITE',
      /Infinity/,
    );
    expectDataError(
      () => fromArrays({ data: [1, 2], shape: [2] }, { data: [0, 0.5], shape: [2] }),
      'DATASET_LABEL_OUT_OF_RANGE',
      /0.5/,
    );
    expectDataError(
      () => fromArrays({ data: [1, 2], shape: [2] }, { data: [0, 3], shape: [2] }, { classes: 3 }),
      'DATASET_LABEL_OUT_OF_RANGE',
      /3 classes declared/,
    );
    expectDataError(
      () => fromArrays({ data: [1, 2], shape: [2] }, { data: [0.2, 3], shape: [2, 1] }, { classes: 3 }),
      'DATASET_SHAPE_MISMATCH',
      /one-hot/,
    );
    expectDataError(
      () => fromArrays({ data: [1, 2, 3, 4], shape: [1, 4] }, { data: [0], shape: [1] }, { sampleShape: [3] }),
      'DATASET_SHAPE_MISMATCH',
      /Declared/,
    );
    expectDataError(
      () => fromArrays({ data: [1, 2], shape: [2] }, { data: [0, 1], shape: [2] }, { maxValues: 3 }),
      'DATASET_TOO_LARGE',
    );
    expectDataError(
      () => fromArrays({ data: [], shape: [0, 2] }, { data: [], shape: [0] }),
      'DATASET_INVALID',
      /no samples/,
    );
    expectDataError(
      () => fromArrays({ data: [1], shape: [1] }, { data: [0], shape: [1] }, { classes: 0 }),
      'DATASET_INVALID_OPTION',
    );
  });
});

describe('parseArrayFile', () => {
  it('tells NPY from IDX and gzipped IDX by their bytes', () => {
    expect(parseArrayFile(encodeNpy(new Float32Array([1, 2]), [2]), 'x')).toMatchObject({ format: 'npy', shape: [2] });
    const images = idx([2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 255]);
    expect(parseArrayFile(images, 'x')).toMatchObject({ format: 'idx', shape: [2, 2, 2] });
    expect(parseArrayFile(gzipSync(images), 'x')).toMatchObject({ format: 'idx.gz', shape: [2, 2, 2] });
    expectDataError(() => parseArrayFile(new TextEncoder().encode('a,b\n1,2'), 'x'), 'DATASET_INVALID', /neither/);
    expectDataError(() => parseArrayFile(images.subarray(0, 10), 'x'), 'DATASET_CORRUPT', /truncated/);
  });
});

describe('fromJsonData', () => {
  it('reads { x, y } from bytes or an object, and refuses anything else', () => {
    expect(fromJsonData(new TextEncoder().encode('{"x": [[1, 2], [3, 4]], "y": [0, 1]}'))).toMatchObject({
      classes: 2,
      x: { shape: [2, 2] },
    });
    expect(
      fromJsonData({
        x: [1, 2],
        y: [
          [0, 1],
          [1, 0],
        ],
      }).y.shape,
    ).toEqual([2, 2]);
    expectDataError(() => fromJsonData('{"x": [1, 2], '), 'DATASET_INVALID_JSON');
    expectDataError(() => fromJsonData('[1, 2]'), 'DATASET_INVALID_JSON', /\{ "x"/);
    expectDataError(() => fromJsonData({ x: [[1], [null]], y: [0, 1] }), 'DATASET_NON_FINITE', /\/x\/1\/0/);
    expectDataError(() => fromJsonData({ x: [1, 2], y: [0, 1] }, { maxValues: 3 }), 'DATASET_TOO_LARGE');
  });
});

describe('splitTest', () => {
  it('holds out a seeded random fraction as test, the same for the same seed', async () => {
    const { splitTest } = await import('./arrays.js');
    const ds = fromArrays(
      { data: Array.from({ length: 20 }, (_, i) => i), shape: [10, 2] },
      { data: [0, 1, 0, 1, 0, 1, 0, 1, 0, 1], shape: [10] },
    );
    const a = splitTest(ds, 0.3, 1);
    expect(a.x.shape).toEqual([7, 2]);
    expect(a.test!.x.shape).toEqual([3, 2]);
    expect(a.test!.y.shape).toEqual([3]);
    const rows = [...a.x.data, ...a.test!.x.data].filter((_, i) => i % 2 === 0).sort((p, q) => p - q);
    expect(rows).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect([...splitTest(ds, 0.3, 1).test!.x.data]).toEqual([...a.test!.x.data]);
    expect(splitTest(ds, 0)).toBe(ds);
    expectDataError(() => splitTest(ds, 1), 'DATASET_INVALID_OPTION');
  });
});
