import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_TENANT } from '@trainyard/contracts';
import { jobKeys, keys } from '@trainyard/store';
import { testApp, validJob } from '../test-utils/app.js';

let app: FastifyInstance;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ app, close } = await testApp({ maxParams: 1_000_000 }));
});
afterAll(async () => {
  await close();
});

/** Parses Prometheus text into "name{labels}" → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe('probes', () => {
  it('/healthz answers while the process is up', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is ready with Redis and the queue, and 503 with a reason when the queue is paused', async () => {
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
    await app.queue.pause();
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'unavailable', reason: 'queue: paused' });
    } finally {
      await app.queue.resume();
    }
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('/readyz is 503 naming Redis when the connection is gone', async () => {
    const other = await testApp();
    try {
      other.app.redis.disconnect();
      const res = await other.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json().status).toBe('unavailable');
      expect(res.json().reason).toMatch(/^redis: /);
      expect((await other.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await other.close().catch(() => undefined);
    }
  });
});

describe('/metrics', () => {
  it('exposes jobs by status, queue depth, SSE gauges and request counts in Prometheus format', async () => {
    const created = await app.inject({ method: 'POST', url: '/v1/jobs', payload: validJob() });
    expect(created.statusCode).toBe(201);
    await app.inject({ method: 'GET', url: '/v1/jobs/job_missing1' });
    await app.inject({ method: 'GET', url: '/v1/jobs/job_missing2' });
    await app.inject({ method: 'GET', url: '/no/such/route' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toMatch(/# TYPE trainyard_jobs gauge/);
    expect(res.body).toMatch(/# TYPE trainyard_http_requests_total counter/);
    const m = samples(res.body);
    expect(m.get('trainyard_jobs{status="queued"}')).toBe(1);
    expect(m.get('trainyard_jobs{status="succeeded"}')).toBe(0);
    expect(m.get('trainyard_queue_jobs{state="waiting"}')).toBe(1);
    expect(m.get('trainyard_queue_jobs{state="active"}')).toBe(0);
    expect(m.get('trainyard_queue_jobs{state="delayed"}')).toBe(0);
    expect(m.get('trainyard_sse_clients')).toBe(0);
    expect(m.get('trainyard_sse_events_total')).toBe(0);
    // Route patterns, not URLs, so ids never become labels.
    expect(m.get('trainyard_http_requests_total{method="GET",route="/v1/jobs/:id",status="404"}')).toBe(2);
    expect(m.get('trainyard_http_requests_total{method="POST",route="/v1/jobs",status="201"}')).toBe(1);
    expect(m.get('trainyard_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
    expect([...m.keys()].some((k) => k.includes('job_missing'))).toBe(false);
  });

  it("sums running jobs' samples/s and histograms the lag of live events", async () => {
    const body = (await app.inject({ method: 'POST', url: '/v1/jobs', payload: validJob() })).json() as { id: string };
    const prefix = app.config.prefix;
    // As a worker would: the job running, its last epoch at 1500 samples/s.
    const t = await app.redis.zscore(jobKeys.created(prefix, DEFAULT_TENANT), body.id);
    await app.redis
      .multi()
      .zrem(jobKeys.byStatus(prefix, DEFAULT_TENANT, 'queued'), body.id)
      .zadd(jobKeys.byStatus(prefix, DEFAULT_TENANT, 'running'), t!, body.id)
      .hset(keys.job(prefix, body.id), 'status', 'running', 'samples_per_second', '1500')
      .exec();
    const got: string[] = [];
    const stream = `${prefix}:events:lag-probe`;
    const unsubscribe = await app.hub.subscribe(stream, '0-0', (e) => got.push(e.id));
    try {
      await app.redis.xadd(stream, '*', 'type', 'log', 'data', '{}');
      for (let i = 0; i < 200 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(got).toHaveLength(1);
    } finally {
      unsubscribe();
    }
    const m = samples((await app.inject({ method: 'GET', url: '/metrics' })).body);
    expect(m.get('trainyard_training_samples_per_second')).toBe(1500);
    expect(m.get('trainyard_event_lag_seconds_count')).toBe(1);
    expect(m.get('trainyard_event_lag_seconds_bucket{le="+Inf"}')).toBe(1);
    // Read within a second of its XADD, on one machine.
    expect(m.get('trainyard_event_lag_seconds_bucket{le="1"}')).toBe(1);
  });
});
