import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testApp } from '../test-utils/app.js';
import { LIMIT, irisCsv, uploadTo, type UploadRequest } from '../test-utils/datasets.js';

// Two apps: one as deployed (private URLs refused), one allowed to fetch from the local test server.
let app: FastifyInstance;
let open: FastifyInstance;
const closers: (() => Promise<void>)[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  const a = await testApp({ maxDatasetBytes: LIMIT, datasetFetchTimeoutMs: 400, datasetUrlAllowPrivate: false });
  const b = await testApp({ maxDatasetBytes: LIMIT, datasetFetchTimeoutMs: 400, datasetUrlAllowPrivate: true });
  app = a.app;
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

const upload = (opts: UploadRequest, target = app) => uploadTo(target, opts);

describe('POST /v1/datasets { url }', () => {
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
