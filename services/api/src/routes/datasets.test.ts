import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { gzipSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { encodeNpy } from '@trainyard/data';
import { REDIS_URL, testApp, validJob } from '../test-utils/app.js';

// Two apps: one as deployed (private URLs refused), one allowed to fetch from the local test server.
let app: FastifyInstance;
let open: FastifyInstance;
let prefix: string;
const closers: (() => Promise<void>)[] = [];
let server: Server;
let base: string;
const LIMIT = 200_000;

beforeAll(async () => {
  const a = await testApp({ maxDatasetBytes: LIMIT, datasetFetchTimeoutMs: 400, datasetUrlAllowPrivate: false });
  const b = await testApp({ maxDatasetBytes: LIMIT, datasetFetchTimeoutMs: 400, datasetUrlAllowPrivate: true });
  ({ app, prefix } = a);
  open = b.app;
  closers.push(a.close, b.close);
  server = createServer((req, res) => {
    if (req.url === '/iris.csv') return res.writeHead(200, { 'content-type': 'text/csv' }).end(irisCsv(30));
    if (req.url === '/data.json')
      return res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ x: [[1], [2]], y: [0, 1] }));
    if (req.url === '/big')
      return res.writeHead(200, { 'content-type': 'text/csv' }).end(`a,t\n${'1,0\n'.repeat(LIMIT / 2)}`);
    if (req.url === '/big-chunked') {
      res.writeHead(200, { 'content-type': 'text/csv' });
      for (let i = 0; i < 60; i++) res.write(`a,t\n${'1,0\n'.repeat(1000)}`);
      return res.end();
    }
    if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end('a,t\n1,0\n'), 3000).unref();
    if (req.url === '/redirect') return res.writeHead(302, { location: '/iris.csv' }).end();
    res.writeHead(404).end('no');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  for (const c of closers) await c();
});

/** Iris-like rows: 4 features, a text species column, linearly separable by the first feature. */
function irisCsv(n: number): string {
  const names = ['setosa', 'versicolor', 'virginica'];
  const rows = Array.from(
    { length: n },
    (_, i) =>
      `${(i % 3) * 2 + 1 + (i % 5) * 0.1},${3 + (i % 4) * 0.1},${1.4 + (i % 3)},${0.2 * (i % 3)},${names[i % 3]}`,
  );
  return ['sepal_length,sepal_width,petal_length,petal_width,species', ...rows].join('\n') + '\n';
}

/** A multipart/form-data body with file parts, as a browser or curl -F sends it. */
function form(files: { name: string; filename: string; content: Buffer | string; type?: string }[]): {
  payload: Buffer;
  headers: Record<string, string>;
} {
  const boundary = '----trainyard-test-boundary';
  const chunks: Buffer[] = [];
  for (const f of files) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\ncontent-type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
    );
    chunks.push(Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** An IDX file of unsigned bytes (MNIST's format). */
function idx(shape: number[], values: number[]): Buffer {
  const out = Buffer.alloc(4 + 4 * shape.length + values.length);
  out.set([0, 0, 0x08, shape.length]);
  shape.forEach((d, i) => out.writeUInt32BE(d, 4 + 4 * i));
  out.set(values, 4 + 4 * shape.length);
  return out;
}

async function upload(opts: { payload: unknown; headers?: Record<string, string>; query?: string }, target = app) {
  const res = await target.inject({
    method: 'POST',
    url: `/v1/datasets${opts.query ?? ''}`,
    payload: opts.payload as string,
    headers: opts.headers ?? {},
  });
  return { status: res.statusCode, body: res.json() };
}

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

  const bad: [string, Parameters<typeof upload>[0], number, string, RegExp?][] = [
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

  describe('{ url }', () => {
    it('fetches a CSV (following a redirect) and a JSON file when private addresses are allowed', async () => {
      const csv = await upload({ payload: { url: `${base}/redirect` }, query: '?target=species' }, open);
      expect(csv.status, JSON.stringify(csv.body)).toBe(201);
      expect(csv.body).toMatchObject({ name: 'iris.csv', format: 'csv', samples: 30, classes: 3 });
      const json = await upload({ payload: { url: `${base}/data.json` } }, open);
      expect(json.body).toMatchObject({ format: 'json', samples: 2, classes: 2 });
    });

    it.each([
      ['loopback IP', 'http://127.0.0.1:1/x.csv'],
      ['localhost', 'http://localhost:1/x.csv'],
      ['cloud metadata', 'http://169.254.169.254/latest/meta-data'],
      ['private network', 'http://10.1.2.3/x.csv'],
      ['IPv6 loopback', 'http://[::1]:1/x.csv'],
      ['IPv4-mapped IPv6', 'http://[::ffff:127.0.0.1]:1/x.csv'],
      // The machine's own name resolves (through /etc/hosts) to a loopback or private address.
      ['name resolving to a private address', `http://${hostname()}:1/x.csv`],
    ])('refuses a %s URL with 400 DATASET_URL_REFUSED', async (_name, url) => {
      const res = await upload({ payload: { url }, query: '?target=t' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('DATASET_URL_REFUSED');
    });

    it('refuses the local test server itself when private addresses are not allowed', async () => {
      const res = await upload({ payload: { url: `${base}/iris.csv` }, query: '?target=species' });
      expect([res.status, res.body.error.code]).toEqual([400, 'DATASET_URL_REFUSED']);
    });

    it('answers coded errors for a URL that times out, is too big, is missing, or is not http', async () => {
      const slow = await upload({ payload: { url: `${base}/slow` }, query: '?target=t' }, open);
      expect([slow.status, slow.body.error.code]).toEqual([400, 'DATASET_FETCH_TIMEOUT']);
      const big = await upload({ payload: { url: `${base}/big` }, query: '?target=t' }, open);
      expect([big.status, big.body.error.code]).toEqual([413, 'DATASET_TOO_LARGE']);
      const chunked = await upload({ payload: { url: `${base}/big-chunked` }, query: '?target=t' }, open);
      expect([chunked.status, chunked.body.error.code]).toEqual([413, 'DATASET_TOO_LARGE']);
      const missing = await upload({ payload: { url: `${base}/nope.csv` }, query: '?target=t' }, open);
      expect([missing.status, missing.body.error.code]).toEqual([400, 'DATASET_FETCH_FAILED']);
      const ftp = await upload({ payload: { url: 'ftp://example.com/x.csv' } }, open);
      expect([ftp.status, ftp.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
      const unresolvable = await upload({ payload: { url: 'http://no-such-host.invalid/x.csv' }, query: '?target=t' });
      expect([unresolvable.status, unresolvable.body.error.code]).toEqual([400, 'DATASET_FETCH_FAILED']);
    });
  });
});

describe('GET, list and DELETE /v1/datasets', () => {
  it('lists newest first, a page at a time', async () => {
    const fresh = await testApp();
    closers.push(fresh.close);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fresh.app.inject({
        method: 'POST',
        url: '/v1/datasets',
        payload: { x: [[i]], y: [0], name: `d${i}` },
      });
      ids.push(res.json().id);
      await new Promise((r) => setTimeout(r, 3));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { statusCode: number; json: () => any } = await fresh.app.inject({
        method: 'GET',
        url: `/v1/datasets?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      });
      expect(res.statusCode).toBe(200);
      const page: { items: { id: string }[]; next_cursor: string | null } = res.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((d: { id: string }) => d.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expect((await fresh.app.inject({ method: 'GET', url: '/v1/datasets?limit=0' })).json().error.code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await fresh.app.inject({ method: 'GET', url: '/v1/datasets?limit=1000' })).statusCode).toBe(400);
    expect((await fresh.app.inject({ method: 'GET', url: '/v1/datasets?cursor=%27%20OR%201' })).statusCode).toBe(400);
  });

  it('deletes a dataset and its blobs; unknown and malformed ids are 404 and 400', async () => {
    const { body } = await upload({ payload: { x: [[1], [2]], y: [0, 1] } });
    const redis = new Redis(REDIS_URL);
    try {
      expect((await redis.keys(`${prefix}:blob:datasets/${body.id}/*`)).length).toBeGreaterThan(0);
      const del = await app.inject({ method: 'DELETE', url: `/v1/datasets/${body.id}` });
      expect(del.statusCode).toBe(204);
      expect(await redis.keys(`${prefix}:blob:datasets/${body.id}/*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
    for (const method of ['GET', 'DELETE'] as const) {
      const gone = await app.inject({ method, url: `/v1/datasets/${body.id}` });
      expect(gone.statusCode).toBe(404);
      expect(gone.json().error).toMatchObject({ code: 'DATASET_NOT_FOUND', details: { id: body.id } });
    }
    expect((await app.inject({ method: 'GET', url: '/v1/datasets/not-an-id' })).statusCode).toBe(400);
  });

  it('lists the built-ins with shapes, classes and options', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/datasets/builtin' });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { name: string }[];
    expect(items.find((b) => b.name === 'iris')).toMatchObject({
      kind: 'bundled',
      sample_shape: [4],
      classes: 3,
      samples: 150,
    });
    expect(items.find((b) => b.name === 'spirals')).toMatchObject({
      kind: 'synthetic',
      options: expect.arrayContaining([expect.objectContaining({ name: 'samples' })]),
    });
  });
});

describe('POST /v1/jobs with an uploaded dataset', () => {
  it('queues a job whose model fits the stored shapes, with a test split', async () => {
    const { body: ds } = await upload({
      payload: { x: Array.from({ length: 20 }, (_, i) => [i, -i]), y: Array.from({ length: 20 }, (_, i) => i % 2) },
    });
    const job = validJob();
    job.dataset = { id: ds.id, options: { test_split: 0.2 } };
    const res = await app.inject({ method: 'POST', url: '/v1/jobs', payload: job });
    expect(res.statusCode, res.body).toBe(201);
    expect((await app.queue.getJob(res.json().id))?.data.spec.dataset).toEqual({
      id: ds.id,
      options: { test_split: 0.2 },
    });
  });

  it('refuses an unknown id (404), a model that does not fit (400 naming the layer and both shapes), and a bad option', async () => {
    const { body: ds } = await upload({
      payload: {
        x: [
          [1, 2, 3],
          [4, 5, 6],
        ],
        y: [0, 1],
      },
    });
    const unknown = validJob();
    unknown.dataset = { id: 'ds_doesnotexist' };
    const missing = await app.inject({ method: 'POST', url: '/v1/jobs', payload: unknown });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('DATASET_NOT_FOUND');

    const mismatch = validJob();
    mismatch.dataset = { id: ds.id };
    const res = await app.inject({ method: 'POST', url: '/v1/jobs', payload: mismatch });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('SPEC_SHAPE_MISMATCH');
    expect(res.json().error.message).toMatch(/hidden/);
    expect(res.json().error.message).toMatch(/2\]/);
    expect(res.json().error.message).toMatch(/3\]/);

    const classes = validJob();
    classes.model.config.layers[0].config.batch_input_shape = [null, 3];
    classes.model.config.layers[1].config.units = 5;
    classes.dataset = { id: ds.id };
    const cls = await app.inject({ method: 'POST', url: '/v1/jobs', payload: classes });
    expect([cls.statusCode, cls.json().error.code]).toEqual([400, 'SPEC_SHAPE_MISMATCH']);
    expect(cls.json().error.message).toMatch(/out.*2 classes/);

    const option = validJob();
    option.dataset = { id: ds.id, options: { test_split: 0.9 } };
    expect((await app.inject({ method: 'POST', url: '/v1/jobs', payload: option })).json().error.code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('keeps serving after all of the above', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/datasets?limit=1' });
    expect(res.statusCode).toBe(200);
  });
});
