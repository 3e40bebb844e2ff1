import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { endJob } from '@trainyard/store';
import { buildApp } from '../app.js';
import { loadConfig, parseApiKeys } from '../config.js';
import { REDIS_URL, dropPrefix, testApp, validJob } from '../test-utils/app.js';
import { TEST_KEYS } from '../test-utils/keys.js';

// Tenants, API keys and the per-tenant guards, through app.inject() on real Redis. No worker runs:
// jobs stay queued unless a test ends them the way a worker would.
const { alpha: KEY_A, alpha2: KEY_A2, bravo: KEY_B } = TEST_KEYS;
const apiKeys = parseApiKeys(`alpha:${KEY_A},alpha:${KEY_A2},bravo:${KEY_B}`);

type Res = { status: number; body: any; headers: Record<string, unknown> };

function client(app: FastifyInstance, key?: string) {
  return async (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Res> => {
    const res = await app.inject({
      method,
      url,
      headers: { ...(key && { authorization: `Bearer ${key}` }), ...headers },
      ...(payload !== undefined && { payload: payload as string }),
    });
    return {
      status: res.statusCode,
      body: res.body && res.headers['content-type']?.toString().includes('json') ? res.json() : res.body,
      headers: res.headers,
    };
  };
}

describe('API keys', () => {
  let app: FastifyInstance;
  let prefix: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ app, prefix, close } = await testApp({ apiKeys }));
  });
  afterAll(async () => close());

  it('refuse a /v1 request without a key: 401 UNAUTHENTICATED with WWW-Authenticate', async () => {
    const res = await client(app)('GET', '/v1/jobs');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('refuse an unknown key (401 INVALID_API_KEY) and a header that is not Bearer (401 UNAUTHENTICATED)', async () => {
    const unknown = await client(app, 'not-a-key-of-anyone-00')('GET', '/v1/jobs');
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('INVALID_API_KEY');
    expect(JSON.stringify(unknown.body)).not.toContain('not-a-key-of-anyone');
    const basic = await client(app)('GET', '/v1/jobs', undefined, {
      authorization: `Basic ${Buffer.from('a:b').toString('base64')}`,
    });
    expect(basic.status).toBe(401);
    expect(basic.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('refuse a bad key before the body is looked at: nothing is queued', async () => {
    const res = await client(app, 'wrong-key-wrong-key-00')('POST', '/v1/jobs', validJob());
    expect(res.status).toBe(401);
    expect(await app.queue.count()).toBe(0);
  });

  it('leave probes, metrics and docs open', async () => {
    const anon = client(app);
    expect((await anon('GET', '/healthz')).status).toBe(200);
    expect((await anon('GET', '/readyz')).status).toBe(200);
    expect((await anon('GET', '/metrics')).status).toBe(200);
    expect((await anon('GET', '/openapi.json')).status).toBe(200);
  });

  it('take ?access_token= on event streams only', async () => {
    const a = client(app, KEY_A);
    const { body: job } = await a('POST', '/v1/jobs', validJob());
    await endJob(
      app.redis,
      { prefix: prefix, tenant: 'alpha', id: job.id },
      {
        type: 'failed',
        error: { code: 'TRAINING_DIVERGED', message: 'loss became NaN' },
      },
    );
    const anon = client(app);
    // The job has ended, so the stream replays it and closes.
    const stream = await anon('GET', `/v1/jobs/${job.id}/events?access_token=${KEY_A}`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toContain('text/event-stream');
    expect(stream.body).toContain('event: failed');
    const multi = await anon('GET', `/v1/events?jobs=${job.id}&access_token=${KEY_A}`);
    expect(multi.status).toBe(200);
    expect(multi.body).toContain(`id: ${job.id}/`);
    // Another tenant's token reads the job as missing; a token on a JSON route is not accepted.
    expect((await anon('GET', `/v1/jobs/${job.id}/events?access_token=${KEY_B}`)).status).toBe(404);
    expect((await anon('GET', `/v1/jobs/${job.id}/events?access_token=nope-nope-nope-nope`)).body).toMatchObject({
      error: { code: 'INVALID_API_KEY' },
    });
    expect((await anon('GET', `/v1/jobs/${job.id}?access_token=${KEY_A}`)).status).toBe(401);
  });

  it("answer another tenant's jobs and datasets as missing (404) on every route, and keep lists apart", async () => {
    const a = client(app, KEY_A);
    const b = client(app, KEY_B);
    const { status: dsStatus, body: ds } = await a('POST', '/v1/datasets', {
      name: 'xor',
      x: [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ],
      y: [0, 1, 1, 0],
    });
    expect(dsStatus).toBe(201);
    const { body: job } = await a('POST', '/v1/jobs', { ...validJob(), dataset: { id: ds.id } });
    expect(job.status).toBe('queued');
    await endJob(
      app.redis,
      { prefix: prefix, tenant: 'alpha', id: job.id },
      { type: 'completed', metrics: { loss: 0.1 }, seconds: 1 },
    );

    // Alpha's second key is the same tenant.
    expect((await client(app, KEY_A2)('GET', `/v1/jobs/${job.id}`)).status).toBe(200);
    for (const [method, url, payload] of [
      ['GET', `/v1/jobs/${job.id}`],
      ['GET', `/v1/jobs/${job.id}/metrics`],
      ['GET', `/v1/jobs/${job.id}/events`],
      ['GET', `/v1/events?jobs=${job.id}`],
      ['GET', `/v1/jobs/${job.id}/model/model.json`],
      ['GET', `/v1/jobs/${job.id}/model/weights.bin`],
      ['POST', `/v1/jobs/${job.id}/predict`, { x: [[0, 1]] }],
      ['POST', `/v1/jobs/${job.id}/cancel`],
      ['DELETE', `/v1/jobs/${job.id}`],
      ['GET', `/v1/datasets/${ds.id}`],
      ['DELETE', `/v1/datasets/${ds.id}`],
    ] as const) {
      const res = await b(method, url, payload);
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.body.error.code, `${method} ${url}`).toMatch(/^(JOB|DATASET)_NOT_FOUND$/);
    }
    // Using alpha's dataset from bravo is as if it did not exist.
    const stolen = await b('POST', '/v1/jobs', { ...validJob(), dataset: { id: ds.id } });
    expect(stolen.status).toBe(404);
    expect(stolen.body.error.code).toBe('DATASET_NOT_FOUND');

    expect((await b('GET', '/v1/jobs')).body.items).toEqual([]);
    expect((await b('GET', '/v1/datasets')).body.items).toEqual([]);
    expect((await a('GET', '/v1/jobs')).body.items.map((j: { id: string }) => j.id)).toContain(job.id);
    expect((await a('GET', '/v1/datasets')).body.items.map((d: { id: string }) => d.id)).toEqual([ds.id]);

    // Nothing bravo tried changed alpha's job or dataset.
    expect((await a('GET', `/v1/jobs/${job.id}`)).body.status).toBe('succeeded');
    expect((await a('GET', `/v1/datasets/${ds.id}`)).status).toBe(200);
    expect((await a('DELETE', `/v1/jobs/${job.id}`)).status).toBe(204);
  });

  it('scope Idempotency-Keys per tenant: the same key gives each tenant its own job', async () => {
    const headers = { 'idempotency-key': 'shared-key-0001' };
    const first = await client(app, KEY_A)('POST', '/v1/jobs', validJob(), headers);
    const other = await client(app, KEY_B)('POST', '/v1/jobs', validJob(), headers);
    const again = await client(app, KEY_A)('POST', '/v1/jobs', validJob(), headers);
    expect([first.status, other.status, again.status]).toEqual([201, 201, 200]);
    expect(other.body.id).not.toBe(first.body.id);
    expect(again.body.id).toBe(first.body.id);
  });
});

describe('open single-tenant mode (no API keys)', () => {
  it('serves everyone as tenant "default", with or without an Authorization header', async () => {
    const { app, close } = await testApp();
    try {
      const created = await client(app)('POST', '/v1/jobs', validJob());
      expect(created.status).toBe(201);
      expect((await client(app, 'anything-at-all-000')('GET', `/v1/jobs/${created.body.id}`)).status).toBe(200);
      expect(await app.redis.hget(`${app.config.prefix}:job:${created.body.id}`, 'tenant')).toBe('default');
    } finally {
      await close();
    }
  });
});

describe('TRAINYARD_API_KEYS', () => {
  it('parses tenant:key pairs, several keys per tenant', () => {
    expect([...(apiKeys?.values() ?? [])].sort()).toEqual(['alpha', 'alpha', 'bravo']);
    expect(parseApiKeys(undefined)).toBeNull();
    expect(parseApiKeys('  ')).toBeNull();
  });

  it.each([
    ['no colon', 'alpha-key-0123456789', /entry 1 must be tenant:key/],
    ['bad tenant', 'Alpha:alpha-key-0123456789', /entry 1 must be tenant:key/],
    ['short key', 'alpha:short', /entry 1 \(tenant alpha\): the key must be 16–256/],
    ['key with a space', 'alpha:alpha key 0123456789', /the key must be/],
    ['repeated key', `alpha:${KEY_A},bravo:${KEY_A}`, /entry 2 \(tenant bravo\) repeats a key/],
  ])('refuses %s, naming the entry and never the key', (_name, raw, message) => {
    expect(() => parseApiKeys(raw)).toThrow(message);
    try {
      parseApiKeys(raw);
    } catch (err) {
      expect((err as Error).message).not.toContain('0123456789');
    }
  });
});

describe('guards', () => {
  it('rate-limits each tenant over every api process sharing Redis: 429 RATE_LIMITED with Retry-After', async () => {
    const { app, prefix, close } = await testApp({ apiKeys, rateLimitPerMinute: 4 });
    // A second api process on the same Redis and prefix shares the budget.
    const second = await buildApp({ config: { ...loadConfig({ REDIS_URL }), prefix, apiKeys, rateLimitPerMinute: 4 } });
    try {
      const statuses: number[] = [];
      for (const target of [app, second, app, second, app, second])
        statuses.push((await client(target, KEY_A)('GET', '/v1/jobs')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
      const refused = await client(second, KEY_A2)('GET', '/v1/jobs');
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(refused.headers['ratelimit-remaining']).toBe('0');
      // Another tenant has its own budget; probes are not counted.
      const other = await client(app, KEY_B)('GET', '/v1/jobs');
      expect(other.status).toBe(200);
      expect(other.headers['ratelimit-limit']).toBe('4');
      expect(other.headers['ratelimit-remaining']).toBe('3');
      expect((await client(app, KEY_A)('GET', '/healthz')).status).toBe(200);
    } finally {
      await second.close();
      await close();
    }
  });

  it('caps queued plus running jobs per tenant (429 TOO_MANY_ACTIVE_JOBS); a finished one frees a place', async () => {
    const { app, close } = await testApp({ apiKeys, maxActiveJobs: 2 });
    try {
      const a = client(app, KEY_A);
      const first = await a('POST', '/v1/jobs', validJob());
      expect((await a('POST', '/v1/jobs', validJob())).status).toBe(201);
      const third = await a('POST', '/v1/jobs', validJob());
      expect(third.status).toBe(429);
      expect(third.body.error).toMatchObject({ code: 'TOO_MANY_ACTIVE_JOBS', details: { limit: 2 } });
      // Nothing of the refused job remains: two records, two queued BullMQ jobs.
      expect((await a('GET', '/v1/jobs')).body.items).toHaveLength(2);
      expect(await app.queue.count()).toBe(2);
      expect((await client(app, KEY_B)('POST', '/v1/jobs', validJob())).status).toBe(201);
      expect((await a('POST', `/v1/jobs/${first.body.id}/cancel`)).status).toBe(200);
      expect((await a('POST', '/v1/jobs', validJob())).status).toBe(201);
    } finally {
      await close();
    }
  });

  it('refuses more epochs × samples than configured (400 JOB_TOO_LARGE naming /fit/epochs)', async () => {
    const { app, close } = await testApp({ maxEpochSamples: 1000 });
    try {
      // spirals of 200 samples: 5 epochs pass, 6 do not.
      const ok = await client(app)('POST', '/v1/jobs', { ...validJob(), fit: { epochs: 5, batch_size: 32 } });
      expect(ok.status).toBe(201);
      const big = await client(app)('POST', '/v1/jobs', { ...validJob(), fit: { epochs: 6, batch_size: 32 } });
      expect(big.status).toBe(400);
      expect(big.body.error).toMatchObject({
        code: 'JOB_TOO_LARGE',
        details: { path: '/fit/epochs', epoch_samples: 1200, limit: 1000 },
      });
    } finally {
      await close();
    }
  });

  it('gives every job a timeout: the configured one, or a shorter timeout_seconds; longer is 400 JOB_TIMEOUT_TOO_LONG', async () => {
    const { app, close } = await testApp({ jobTimeoutSeconds: 600 });
    try {
      const plain = await client(app)('POST', '/v1/jobs', validJob());
      expect((await app.queue.getJob(plain.body.id))?.data.timeoutMs).toBe(600_000);
      const short = await client(app)('POST', '/v1/jobs', { ...validJob(), timeout_seconds: 30 });
      expect((await app.queue.getJob(short.body.id))?.data.timeoutMs).toBe(30_000);
      const long = await client(app)('POST', '/v1/jobs', { ...validJob(), timeout_seconds: 601 });
      expect(long.status).toBe(400);
      expect(long.body.error).toMatchObject({
        code: 'JOB_TIMEOUT_TOO_LONG',
        details: { path: '/timeout_seconds', limit: 600 },
      });
      for (const bad of [0, -1, 1.5, '60']) {
        const res = await client(app)('POST', '/v1/jobs', { ...validJob(), timeout_seconds: bad });
        expect(res.status, String(bad)).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
    } finally {
      await close();
    }
  });
});

describe('request ids', () => {
  it('are on every log line of a request, with the job id where there is one', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n'))
          if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const prefix = `{ty-api-log-${Date.now()}}`;
    const app = await buildApp({ config: { ...loadConfig({ REDIS_URL }), prefix }, logger: { level: 'info', stream } });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/jobs',
        payload: validJob(),
        headers: { 'x-request-id': 'trace-7' },
      });
      expect(res.statusCode).toBe(201);
      const mine = lines.filter((l) => l.reqId === 'trace-7');
      expect(mine.map((l) => l.msg)).toEqual(['incoming request', 'job queued', 'request completed']);
      expect(mine[1]).toMatchObject({ jobId: res.json().id, tenant: 'default' });
    } finally {
      await app.close();
      await dropPrefix(prefix);
    }
  });

  it("echo a caller's X-Request-Id and make one otherwise; junk is replaced", async () => {
    const { app, close } = await testApp();
    try {
      const given = await client(app)('GET', '/healthz', undefined, { 'x-request-id': 'trace-42.abc' });
      expect(given.headers['x-request-id']).toBe('trace-42.abc');
      const made = await client(app)('GET', '/v1/jobs');
      expect(made.headers['x-request-id']).toMatch(/^req_[A-Za-z0-9_-]{8}$/);
      const junk = await client(app)('GET', '/v1/jobs', undefined, { 'x-request-id': 'a b\nc' });
      expect(junk.headers['x-request-id']).toMatch(/^req_/);
    } finally {
      await close();
    }
  });
});
