import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { KERAS3 } from '../../../packages/nn/src/test-utils/fixtures.js';
import { jsonTooDeep } from './json-depth.js';
import { testApp, validJob } from './test-utils/app.js';

// Bodies built to hurt the api: nesting past any stack, gzip bombs, a regression target in words.
// Each must get a coded 4xx and leave the api answering.
const LIMIT = 1024 * 1024;
const DEPTH = 64;

let app: FastifyInstance;
let close: () => Promise<void>;
let server: Server;
let base: string;

/** `levels` arrays nested around `inner`, written as text: the parser never builds it for us. */
const nested = (levels: number, inner = '1') => `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;
/** The depth of a parsed value, measured the slow recursive way (for values we know are shallow). */
const depthOf = (v: unknown): number =>
  v && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0;

beforeAll(async () => {
  ({ app, close } = await testApp({ maxDatasetBytes: LIMIT, maxJsonDepth: DEPTH, datasetUrlAllowPrivate: true }));
  server = createServer((req, res) => {
    if (req.url === '/deep.json')
      return res.writeHead(200, { 'content-type': 'application/json' }).end(`{"x":${nested(10_000)},"y":[0]}`);
    res.writeHead(404).end('no');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await close();
});

async function post(
  url: string,
  payload: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  const res = await app.inject({ method: 'POST', url, payload, headers });
  return { status: res.statusCode, body: res.json() };
}

async function healthy(): Promise<void> {
  expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
}

describe('jsonTooDeep', () => {
  it.each([
    ['flat values', '1', 0, false],
    ['exactly at the limit', nested(3), 3, false],
    ['one past the limit', nested(4), 3, true],
    ['objects and arrays alike', '{"a":[{"b":[1]}]}', 3, true],
    ['siblings do not add up', '[[1],[2],[3],[4]]', 2, false],
    ['brackets inside strings', `["${'['.repeat(50)}"]`, 1, false],
    ['escaped quotes inside strings', `["a\\"[[[[", "\\\\"]`, 1, false],
    ['an escaped backslash before a closing quote', `["\\\\", ${nested(3)}]`, 3, true],
    ['unterminated string', '["[[[[', 1, false],
  ])('%s', (_name, text, max, expected) => {
    expect(jsonTooDeep(text, max)).toBe(expected);
  });

  it('agrees with the real depth of a Keras 3 job, which stays far below the cap', () => {
    const job = { ...validJob(), model: KERAS3 };
    const depth = depthOf(job);
    expect(jsonTooDeep(JSON.stringify(job), depth)).toBe(false);
    expect(jsonTooDeep(JSON.stringify(job), depth - 1)).toBe(true);
    expect(depth * 4).toBeLessThan(DEPTH);
  });
});

describe('JSON nested past the depth cap', () => {
  const deepConfig = `{"class_name":"Sequential","config":${nested(10_000)}}`;

  it.each([
    [
      'a job whose model.config is 10,000 deep',
      '/v1/jobs',
      JSON.stringify(validJob()).replace(/"model":\{/, `"model":${deepConfig},"_":{`),
    ],
    [
      'a sweep whose base is 10,000 deep',
      '/v1/sweeps',
      `{"base":${nested(10_000, '{}')},"method":"grid","parameters":{},"metric":"val_loss","mode":"min"}`,
    ],
    ['a JSON dataset 10,000 deep', '/v1/datasets', `{"x":${nested(10_000)},"y":[0]}`],
    ['a predict body 10,000 deep', '/v1/jobs/job_missing/predict', `{"inputs":${nested(10_000)}}`],
    ['a body one level past the cap', '/v1/jobs', nested(DEPTH + 1)],
  ])('%s → 400 BODY_TOO_DEEP', async (_name, url, payload) => {
    const res = await post(url, payload);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'BODY_TOO_DEEP', details: { limit: DEPTH } });
    await healthy();
  });

  it('lets a body exactly at the cap through to validation', async () => {
    const res = await post('/v1/jobs', nested(DEPTH));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('accepts a real Keras 3 model and a functional-style nesting well below the cap', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => [i % 3, (i * 7) % 5, i % 2, 1]);
    const job = {
      ...validJob(),
      model: KERAS3,
      dataset: { inline: { x: rows, y: rows.map((_, i) => i % 3) } },
      fit: { epochs: 1, batch_size: 4 },
    };
    const res = await post('/v1/jobs', JSON.stringify(job));
    expect(res.status).toBe(201);
  });

  it('refuses a JSON dataset file in a multipart upload nested too deep', async () => {
    const boundary = '----deep';
    const payload = Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="deep.json"\r\ncontent-type: application/json\r\n\r\n{"x":${nested(10_000)},"y":[0]}\r\n--${boundary}--\r\n`,
    );
    const res = await post('/v1/datasets', payload, { 'content-type': `multipart/form-data; boundary=${boundary}` });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'BODY_TOO_DEEP', details: { limit: DEPTH } });
    expect(res.body.error.message).toContain('deep.json');
  });

  it('refuses a downloaded JSON dataset nested too deep', async () => {
    const res = await post('/v1/datasets', JSON.stringify({ url: `${base}/deep.json` }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BODY_TOO_DEEP');
    await healthy();
  });
});

describe('gzip uploads', () => {
  /** An IDX header for `count` unsigned bytes, followed by that many zeros: gzip squeezes it ~1000:1. */
  function zerosIdx(count: number): Buffer {
    const out = Buffer.alloc(12 + count);
    out.set([0, 0, 0x08, 2]);
    out.writeUInt32BE(count / 4, 4);
    out.writeUInt32BE(4, 8);
    return out;
  }
  const labels = (n: number) => {
    const out = Buffer.alloc(8 + n);
    out.set([0, 0, 0x08, 1]);
    out.writeUInt32BE(n, 4);
    return out;
  };

  function form(files: { name: string; content: Buffer }[]) {
    const boundary = '----bomb';
    const parts = files.flatMap((f) => [
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="${f.name}"; filename="${f.name}.gz"\r\ncontent-type: application/gzip\r\n\r\n`,
      ),
      f.content,
      Buffer.from('\r\n'),
    ]);
    return {
      payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    };
  }

  it('refuses a gzip bomb (64 MiB of zeros in about 64 KB) by its declared size with 413 DATASET_TOO_LARGE', async () => {
    const bomb = gzipSync(zerosIdx(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(LIMIT / 4);
    const { payload, headers } = form([
      { name: 'x', content: bomb },
      { name: 'y', content: gzipSync(labels(16 * 1024 * 1024)) },
    ]);
    const res = await post('/v1/datasets', payload, headers);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({
      code: 'DATASET_TOO_LARGE',
      details: { path: 'x', limit: LIMIT, declared: 12 + 64 * 1024 * 1024 },
    });
    await healthy();
  });

  it('stops a bomb whose header lies about its size (16 values, then 64 MiB) at the size it declared: 400 DATASET_CORRUPT', async () => {
    const liar = gzipSync(Buffer.concat([zerosIdx(16), Buffer.alloc(64 * 1024 * 1024)]));
    const res = await post(
      '/v1/datasets',
      form([
        { name: 'x', content: liar },
        { name: 'y', content: gzipSync(labels(4)) },
      ]).payload,
      form([]).headers,
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'DATASET_CORRUPT', details: { path: 'x' } });
    expect(res.body.error.message).toMatch(/inflates past the 28 bytes its header declares/);
    await healthy();
  });

  it('counts both files against the one limit: y may only inflate to what x left', async () => {
    const x = gzipSync(zerosIdx(LIMIT * 0.75));
    const y = gzipSync(labels(LIMIT / 2));
    const res = await post(
      '/v1/datasets',
      form([
        { name: 'x', content: x },
        { name: 'y', content: y },
      ]).payload,
      form([]).headers,
    );
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'DATASET_TOO_LARGE', details: { path: 'y' } });
    expect(res.body.error.details.limit).toBeLessThan(LIMIT);
  });

  it('still stores a gzipped upload that fits', async () => {
    const n = 64;
    const res = await post(
      '/v1/datasets',
      form([
        { name: 'x', content: gzipSync(zerosIdx(n * 4)) },
        { name: 'y', content: gzipSync(labels(n)) },
      ]).payload,
      form([]).headers,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ format: 'idx.gz', samples: n, x_shape: [n, 4] });
  });
});

describe('CSV upload with ?regression=true', () => {
  it('refuses a text target with a coded 400 instead of storing classes', async () => {
    const res = await post('/v1/datasets?target=species&regression=true', 'a,b,species\n1,2,setosa\n3,4,virginica\n', {
      'content-type': 'text/csv',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'DATASET_INVALID_CSV', details: { column: 'species', row: 1 } });
    expect(res.body.error.message).toMatch(/regression needs a numeric target/);
  });

  it('still reads a numeric target as regression values', async () => {
    const res = await post('/v1/datasets?target=t&regression=true', 'a,t\n1,2\n3,4\n', { 'content-type': 'text/csv' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ y_shape: [2, 1] });
  });
});

describe('a dataset URL with credentials in it', () => {
  it('never echoes the password or a key-like query value back', async () => {
    const res = await post(
      '/v1/datasets',
      JSON.stringify({ url: `${base.replace('//', '//me:s3cret-pass@')}/missing.csv?token=s3cret-token&v=2` }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('DATASET_FETCH_FAILED');
    expect(JSON.stringify(res.body)).not.toMatch(/s3cret/);
    expect(res.body.error.message).toContain('me:[REDACTED]@127.0.0.1');
    expect(res.body.error.details.url).toMatch(/token=\[REDACTED\]&v=2$/);
  });
});
