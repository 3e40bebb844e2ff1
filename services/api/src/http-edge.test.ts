import { connect, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { LOG_REDACT_PATHS, REDACTED } from '@trainyard/contracts';
import { buildApp } from './app.js';
import { loadConfig, parseApiKeys } from './config.js';
import { REDIS_URL, dropPrefix, testApp } from './test-utils/app.js';
import { TEST_KEYS } from './test-utils/keys.js';

// What reaches the api before (or around) its routes: the HTTP parser's refusals, the router's,
// the metrics token, and what the request log writes about keys.

/** Sends raw bytes on a fresh connection and returns the status and parsed JSON body of the answer. */
function raw(port: number, request: string): Promise<{ status: number; headers: string; body: any }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString();
      const split = text.indexOf('\r\n\r\n');
      const head = text.slice(0, split);
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
        headers: head,
        body: JSON.parse(text.slice(split + 4)),
      });
    });
    socket.end(request);
  });
}

describe('errors from below the routes, over a real socket', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let port: number;
  beforeAll(async () => {
    ({ app, close } = await testApp());
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await close();
  });

  it('answers a 10,000-character id with 414 URI_TOO_LONG in the envelope', async () => {
    const res = await raw(port, `GET /v1/jobs/${'j'.repeat(10_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(414);
    expect(res.headers).toMatch(/content-type: application\/json/i);
    expect(res.body).toEqual({ error: { code: 'URI_TOO_LONG', message: expect.any(String), details: {} } });
  });

  it('answers a 100 KB header with 431 HEADERS_TOO_LARGE in the envelope', async () => {
    const res = await raw(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(res.headers).toMatch(/content-type: application\/json/i);
    expect(res.body).toEqual({ error: { code: 'HEADERS_TOO_LARGE', message: expect.any(String), details: {} } });
  });

  it('answers a URL past the header limit with 431 HEADERS_TOO_LARGE too', async () => {
    const res = await raw(port, `GET /v1/jobs?cursor=${'c'.repeat(40_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(res.body.error.code).toBe('HEADERS_TOO_LARGE');
  });

  it('answers a request that is not HTTP with 400 BAD_REQUEST in the envelope', async () => {
    const res = await raw(port, 'HELLO THERE\r\n\r\n');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
  });

  it('answers a malformed percent-encoding in a path parameter with 400 INVALID_URL', async () => {
    const res = await raw(port, 'GET /v1/jobs/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_URL');
  });

  it('keeps serving after all of them', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
  });
});

describe('GET /metrics with TRAINYARD_METRICS_TOKEN', () => {
  const token = TEST_KEYS.metricsToken;

  it('needs the token when one is set: none or a wrong one is 401 UNAUTHENTICATED', async () => {
    const { app, close } = await testApp({ metricsToken: token });
    try {
      const none = await app.inject({ method: 'GET', url: '/metrics' });
      expect(none.statusCode).toBe(401);
      expect(none.json().error.code).toBe('UNAUTHENTICATED');
      expect(none.headers['www-authenticate']).toBe('Bearer');
      const wrong = await app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${token}x` },
      });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().error.code).toBe('UNAUTHENTICATED');
      const right = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
      expect(right.statusCode).toBe(200);
      expect(right.body).toContain('trainyard_jobs{status="queued"}');
    } finally {
      await close();
    }
  });

  it('stays open when no token is set', async () => {
    const { app, close } = await testApp();
    try {
      expect(loadConfig({}).metricsToken).toBeNull();
      expect(loadConfig({ TRAINYARD_METRICS_TOKEN: token }).metricsToken).toBe(token);
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
    } finally {
      await close();
    }
  });
});

describe('the request log', () => {
  it('never writes an API key, from the query or a header, and says where one was', async () => {
    const key = TEST_KEYS.redaction;
    let written = '';
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        written += chunk.toString();
        done();
      },
    });
    const prefix = `{ty-api-redact-${Date.now()}}`;
    const app = await buildApp({
      config: { ...loadConfig({ REDIS_URL }), prefix, apiKeys: parseApiKeys(`acme:${key}`) },
      logger: { level: 'info', stream },
    });
    try {
      const sse = await app.inject({ method: 'GET', url: `/v1/jobs/job_missing/events?after=0&access_token=${key}` });
      expect(sse.statusCode).toBe(404);
      const header = await app.inject({
        method: 'GET',
        url: '/v1/jobs/job_missing',
        headers: { authorization: `Bearer ${key}`, cookie: `session=${key}` },
      });
      expect(header.statusCode).toBe(404);
      const wrong = await app.inject({ method: 'GET', url: `/v1/jobs/job_missing/events?access_token=${key}-wrong` });
      expect(wrong.statusCode).toBe(401);
      const lines = written
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg: string; req?: { url: string } });
      const urls = lines.filter((l) => l.msg === 'incoming request').map((l) => l.req!.url);
      expect(urls).toEqual([
        '/v1/jobs/job_missing/events?after=0&access_token=[REDACTED]',
        '/v1/jobs/job_missing',
        '/v1/jobs/job_missing/events?access_token=[REDACTED]',
      ]);
      expect(written).not.toContain(key);
      // An injected URL has no length cap: its log line keeps the start, redacted before the cut.
      await app.inject({
        method: 'GET',
        url: `/v1/jobs/job_missing/events?pad=${'p'.repeat(5000)}&access_token=${key}`,
      });
      const long = written
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg: string; req?: { url: string } })
        .filter((l) => l.msg === 'incoming request')
        .pop()!;
      expect(long.req!.url).toMatch(/^\/v1\/jobs\/job_missing\/events\?pad=p+…\(\d+ more\)$/);
      expect(long.req!.url.length).toBeLessThan(2100);
      expect(written).not.toContain(key);
      // Logged as fields too (a handler logging headers), they are censored by pino's redact.
      app.log.info({ headers: { authorization: `Bearer ${key}` }, access_token: key }, 'probe');
      expect(written).toContain('"authorization":"[REDACTED]"');
      expect(written).not.toContain(key);
    } finally {
      await app.close();
      await dropPrefix(prefix);
    }
  });
});

describe('LOG_REDACT_PATHS', () => {
  it("censor pino's key-like fields at the top level, one level down and in request headers", () => {
    let out = '';
    const log = pino(
      { redact: { paths: LOG_REDACT_PATHS, censor: REDACTED } },
      new Writable({ write: (c: Buffer, _e, done) => ((out += c.toString()), done()) }),
    );
    log.info(
      {
        access_token: 's1',
        job: { apiKey: 's2' },
        req: { headers: { authorization: 'Bearer s3', cookie: 'c=s4', accept: '*/*' } },
      },
      'x',
    );
    const line = JSON.parse(out);
    expect(line).toMatchObject({
      access_token: REDACTED,
      job: { apiKey: REDACTED },
      req: { headers: { authorization: REDACTED, cookie: REDACTED, accept: '*/*' } },
    });
    expect(out).not.toMatch(/s[1-4]/);
  });
});
