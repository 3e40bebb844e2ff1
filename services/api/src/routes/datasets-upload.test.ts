import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { encodeNpy } from '@trainyard/data';
import { testApp } from '../test-utils/app.js';
import { LIMIT, form, idx, irisCsv, uploadTo, type UploadRequest } from '../test-utils/datasets.js';

let app: FastifyInstance;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ app, close } = await testApp({ maxDatasetBytes: LIMIT }));
});
afterAll(async () => {
  await close();
});

const upload = (opts: UploadRequest) => uploadTo(app, opts);

describe('POST /v1/datasets', () => {
  it('stores JSON { x, y } and answers 201 with id, shapes, classes, bytes and links', async () => {
    const { status, body } = await upload({
      payload: {
        x: [
          [0, 1],
          [1, 0],
          [1, 1],
        ],
        y: [0, 1, 2],
        name: 'tiny',
      },
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      name: 'tiny',
      format: 'json',
      samples: 3,
      x_shape: [3, 2],
      y_shape: [3],
      dtype: 'float32',
      classes: 3,
    });
    expect(body.id).toMatch(/^ds_/);
    expect(body.bytes).toBeGreaterThan(0);
    expect(body.links).toEqual({ self: `/v1/datasets/${body.id}` });
    expect(Date.parse(body.created_at)).toBeGreaterThan(0);
    const got = await app.inject({ method: 'GET', url: body.links.self });
    expect(got.json()).toEqual(body);
  });

  it('stores a CSV sent as text/csv, with text labels as sorted classes', async () => {
    const { status, body } = await upload({
      payload: irisCsv(30),
      headers: { 'content-type': 'text/csv' },
      query: '?target=species&name=iris.csv',
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      format: 'csv',
      samples: 30,
      x_shape: [30, 4],
      y_shape: [30],
      classes: 3,
      class_names: ['setosa', 'versicolor', 'virginica'],
    });
  });

  it('stores a CSV sent as the multipart file field, and regression targets as [N, 1]', async () => {
    const f = form([
      { name: 'file', filename: 'house.csv', content: 'a,b,price\n1,2,3.5\n4,5,6.25\n', type: 'text/csv' },
    ]);
    const { status, body } = await upload({ ...f, query: '?target=price' });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      name: 'house.csv',
      format: 'csv',
      samples: 2,
      x_shape: [2, 2],
      y_shape: [2, 1],
      classes: null,
    });
  });

  it('stores an NPY pair (float64 x, int64 labels) and a one-hot float32 y', async () => {
    const x64 = Buffer.from(new Float64Array([0.5, 1, 2, 3, 4, 5]).buffer);
    const npyHeader = (descr: string, shape: string) => {
      let h = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
      h += ' '.repeat(64 - ((10 + h.length + 1) % 64)) + '\n';
      const pre = Buffer.alloc(10);
      pre.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      pre.writeUInt16LE(h.length, 8);
      return Buffer.concat([pre, Buffer.from(h, 'latin1')]);
    };
    const x = Buffer.concat([npyHeader('<f8', '(3, 2)'), x64]);
    const y = Buffer.concat([npyHeader('<i8', '(3,)'), Buffer.from(new BigInt64Array([0n, 1n, 1n]).buffer)]);
    const { status, body } = await upload(
      form([
        { name: 'x', filename: 'x.npy', content: x },
        { name: 'y', filename: 'y.npy', content: y },
      ]),
    );
    expect(status).toBe(201);
    expect(body).toMatchObject({ format: 'npy', samples: 3, x_shape: [3, 2], y_shape: [3], classes: 2 });
    const onehot = encodeNpy(new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1]), [3, 3]);
    const res = await upload(
      form([
        { name: 'x', filename: 'x.npy', content: x },
        { name: 'y', filename: 'y.npy', content: onehot },
      ]),
    );
    expect(res.body).toMatchObject({ y_shape: [3, 3], classes: 3 });
  });

  it('stores an IDX pair, gzipped as MNIST ships it, reshaped and with declared classes', async () => {
    const images = gzipSync(
      idx(
        [4, 2, 2],
        Array.from({ length: 16 }, (_, i) => i * 10),
      ),
    );
    const labels = gzipSync(idx([4], [0, 1, 2, 1]));
    const f = form([
      { name: 'x', filename: 'train-images-idx3-ubyte.gz', content: images },
      { name: 'y', filename: 'train-labels-idx1-ubyte.gz', content: labels },
    ]);
    const { status, body } = await upload({ ...f, query: '?classes=10&shape=4' });
    expect(status).toBe(201);
    expect(body).toMatchObject({ format: 'idx.gz', samples: 4, x_shape: [4, 4], y_shape: [4], classes: 10 });
    const plain = await upload(
      form([
        { name: 'x', filename: 'x.idx', content: idx([2, 3], [1, 2, 3, 4, 5, 6]) },
        { name: 'y', filename: 'y.idx', content: idx([2], [0, 1]) },
      ]),
    );
    expect(plain.body).toMatchObject({ format: 'idx', x_shape: [2, 3] });
  });

  const bad: [string, UploadRequest, number, string, RegExp?][] = [
    ['x not an array', { payload: { x: 'abc', y: [0] } }, 400, 'VALIDATION_FAILED', /x/],
    ['unknown field', { payload: { x: [1], y: [0], extra: 1 } }, 400, 'VALIDATION_FAILED'],
    ['NaN in JSON (null)', { payload: { x: [[1], [null]], y: [0, 1] } }, 400, 'DATASET_NON_FINITE', /\/x\/1\/0/],
    ['huge value overflowing float32', { payload: { x: [[1e300]], y: [0] } }, 400, 'DATASET_NON_FINITE', /overflows/],
    ['label out of range', { payload: { x: [[1], [2]], y: [0, 1e6] } }, 400, 'DATASET_LABEL_OUT_OF_RANGE', /\/y\/1/],
    [
      'label above declared classes',
      { payload: { x: [[1], [2]], y: [0, 3] }, query: '?classes=3' },
      400,
      'DATASET_LABEL_OUT_OF_RANGE',
      /3 classes/,
    ],
    [
      'x/y sample count mismatch',
      { payload: { x: [[1], [2], [3]], y: [0, 1] } },
      400,
      'DATASET_SHAPE_MISMATCH',
      /3.*2/,
    ],
    [
      'declared shape mismatch',
      { payload: { x: [[1, 2, 3]], y: [0] }, query: '?shape=2,2' },
      400,
      'DATASET_SHAPE_MISMATCH',
      /\[2, 2\]/,
    ],
    ['bad shape query', { payload: { x: [[1]], y: [0] }, query: '?shape=-1' }, 400, 'VALIDATION_FAILED', /shape/],
    [
      'classes query huge',
      { payload: { x: [[1]], y: [0] }, query: '?classes=1e9' },
      400,
      'VALIDATION_FAILED',
      /classes/,
    ],
    [
      'CSV without target',
      { payload: 'a,t\n1,0\n', headers: { 'content-type': 'text/csv' } },
      400,
      'VALIDATION_FAILED',
      /target/,
    ],
    [
      'CSV unknown target',
      { payload: 'a,t\n1,0\n', headers: { 'content-type': 'text/csv' }, query: '?target=label' },
      400,
      'DATASET_INVALID_CSV',
      /label/,
    ],
    [
      'CSV Infinity',
      { payload: 'a,t\n1,0\nInfinity,1\n', headers: { 'content-type': 'text/csv' }, query: '?target=t' },
      400,
      'DATASET_NON_FINITE',
      /Line 3/,
    ],
    [
      'CSV ragged',
      { payload: 'a,b,t\n1,2,0\n1,0\n', headers: { 'content-type': 'text/csv' }, query: '?target=t' },
      400,
      'DATASET_INVALID_CSV',
      /Line 3/,
    ],
    [
      'malformed NPY',
      form([
        { name: 'x', filename: 'x.npy', content: Buffer.concat([encodeNpy(new Float32Array(4), [4]).subarray(0, 80)]) },
        { name: 'y', filename: 'y.npy', content: encodeNpy(new Float32Array(4), [4]) },
      ]),
      400,
      'DATASET_INVALID_NPY',
      /truncated/,
    ],
    [
      'NPY pair count mismatch',
      form([
        { name: 'x', filename: 'x.npy', content: encodeNpy(new Float32Array(4), [4, 1]) },
        { name: 'y', filename: 'y.npy', content: encodeNpy(new Float32Array(3), [3]) },
      ]),
      400,
      'DATASET_SHAPE_MISMATCH',
      /4 samples.*3/,
    ],
    [
      'NPY with NaN',
      form([
        { name: 'x', filename: 'x.npy', content: encodeNpy(new Float32Array([1, Number.NaN]), [2]) },
        { name: 'y', filename: 'y.npy', content: encodeNpy(new Float32Array(2), [2]) },
      ]),
      400,
      'DATASET_NON_FINITE',
      /x\[1\]/,
    ],
    [
      'only x',
      form([{ name: 'x', filename: 'x.npy', content: encodeNpy(new Float32Array(2), [2]) }]),
      400,
      'VALIDATION_FAILED',
      /x and y/,
    ],
    [
      'a text file as x',
      form([
        { name: 'x', filename: 'x.txt', content: 'hello' },
        { name: 'y', filename: 'y.txt', content: 'there' },
      ]),
      400,
      'DATASET_INVALID',
      /neither/,
    ],
    [
      'JSON array body',
      { payload: '[1,2]', headers: { 'content-type': 'application/json' } },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'unsupported media type',
      { payload: 'x', headers: { 'content-type': 'text/plain' } },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    // Found by test/fuzz: no body and no content type reached the handler as undefined (a 500).
    ['no body and no content type', { payload: undefined }, 400, 'VALIDATION_FAILED', /body is empty/],
  ];
  it.each(bad.map(([name, req, status, code, message]) => ({ name, req, status, code, message })))(
    '$name → $status $code',
    async ({ req, status, code, message }) => {
      const res = await upload(req);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.error.code).toBe(code);
      if (message) expect(res.body.error.message).toMatch(message);
    },
  );

  it('answers 413 DATASET_TOO_LARGE for oversized JSON, CSV and multipart uploads', async () => {
    const rows = `a,t\n${'1,0\n'.repeat(LIMIT / 3)}`;
    const csv = await upload({ payload: rows, headers: { 'content-type': 'text/csv' }, query: '?target=t' });
    expect([csv.status, csv.body.error.code]).toEqual([413, 'DATASET_TOO_LARGE']);
    const json = await upload({
      payload: JSON.stringify({ x: Array.from({ length: LIMIT / 4 }, () => [1]), y: [0] }),
      headers: { 'content-type': 'application/json' },
    });
    expect([json.status, json.body.error.code]).toEqual([413, 'DATASET_TOO_LARGE']);
    const big = encodeNpy(new Float32Array(LIMIT / 4), [LIMIT / 4]);
    const multi = await upload(
      form([
        { name: 'x', filename: 'x.npy', content: big },
        { name: 'y', filename: 'y.npy', content: big },
      ]),
    );
    expect([multi.status, multi.body.error.code]).toEqual([413, 'DATASET_TOO_LARGE']);
  });

  it('answers 400 DATASET_UPLOAD_TRUNCATED for a multipart body cut off mid-file', async () => {
    const f = form([
      { name: 'x', filename: 'x.npy', content: encodeNpy(new Float32Array(1000), [1000]) },
      { name: 'y', filename: 'y.npy', content: encodeNpy(new Float32Array(1000), [1000]) },
    ]);
    const res = await upload({ payload: f.payload.subarray(0, 2500), headers: f.headers });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('DATASET_UPLOAD_TRUNCATED');
  });

  it('keeps serving after all of the above', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/datasets?limit=1' });
    expect(res.statusCode).toBe(200);
  });
});
