import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_TENANT } from '@trainyard/contracts';
import { endJob, jobKeys, keys } from '@trainyard/store';
import { testApp, validJob } from '../test-utils/app.js';

// List, metrics history, cancel (of jobs no worker holds), delete and Idempotency-Key, through
// app.inject() on real Redis; no worker runs here, so every job stays queued until a test moves it.
let app: FastifyInstance;
let prefix: string;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ app, prefix, close } = await testApp({ maxParams: 1_000_000 }));
});
afterAll(async () => {
  await close();
});

async function req(
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await app.inject({ method, url, headers, ...(payload !== undefined && { payload: payload as string }) });
  return { status: res.statusCode, body: res.body ? res.json() : undefined, headers: res.headers };
}

async function submit(headers: Record<string, string> = {}, body: unknown = validJob()): Promise<string> {
  const { status, body: created } = await req('POST', '/v1/jobs', body, headers);
  expect(status).toBe(201);
  return created.id as string;
}

/** Moves a job as a worker would: running, some epochs, then a terminal event. */
async function finish(id: string, type: 'completed' | 'failed', epochs: Record<string, number>[] = []): Promise<void> {
  const redis = app.redis;
  await redis.hset(keys.job(prefix, id), 'status', 'running', 'attempts', '1');
  const t = await redis.zscore(jobKeys.created(prefix, DEFAULT_TENANT), id);
  await redis
    .multi()
    .zrem(jobKeys.byStatus(prefix, DEFAULT_TENANT, 'queued'), id)
    .zadd(jobKeys.byStatus(prefix, DEFAULT_TENANT, 'running'), t!, id)
    .exec();
  for (const [i, logs] of epochs.entries()) {
    await redis.xadd(
      keys.events(prefix, id),
      '*',
      'type',
      'epoch',
      'data',
      JSON.stringify({
        type: 'epoch',
        epoch: i + 1,
        epochs: epochs.length,
        logs,
        seconds: 0.1,
        samples_per_second: 10,
      }),
    );
  }
  const event =
    type === 'completed'
      ? { type, metrics: epochs.at(-1) ?? {}, seconds: 1 }
      : { type, error: { code: 'TRAINING_DIVERGED', message: 'loss became NaN' } };
  expect(await endJob(redis, { prefix, tenant: DEFAULT_TENANT, id }, event)).toBe(1);
  await app.queue.remove(id);
}

async function expectServing(): Promise<void> {
  expect((await req('GET', '/healthz')).status).toBe(200);
}

describe('GET /v1/jobs', () => {
  const ids: string[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 7; i++) ids.push(await submit());
    await finish(ids[1], 'completed');
    await finish(ids[3], 'failed');
  });

  it('lists newest first and pages through everything exactly once with the cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { status, body } = await req('GET', `/v1/jobs?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(status).toBe(200);
      expect(body.items.length).toBeLessThanOrEqual(3);
      seen.push(...body.items.map((j: { id: string }) => j.id));
      cursor = body.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([...ids].reverse());
    expect(pages).toBe(3);
    const first = (await req('GET', '/v1/jobs')).body;
    expect(first.items).toHaveLength(7);
    expect(first.next_cursor).toBeNull();
    expect(first.items[0]).toMatchObject({
      id: ids[6],
      status: 'queued',
      spec: validJob(),
      links: { self: `/v1/jobs/${ids[6]}` },
    });
  });

  it('filters by one or several statuses, comma-separated or repeated', async () => {
    const only = async (q: string) =>
      (await req('GET', `/v1/jobs?${q}`)).body.items.map((j: { id: string; status: string }) => `${j.id}:${j.status}`);
    expect(await only('status=succeeded')).toEqual([`${ids[1]}:succeeded`]);
    expect(await only('status=failed,succeeded')).toEqual([`${ids[3]}:failed`, `${ids[1]}:succeeded`]);
    expect(await only('status=failed&status=succeeded')).toEqual([`${ids[3]}:failed`, `${ids[1]}:succeeded`]);
    expect(await only('status=running')).toEqual([]);
    expect((await only('status=queued')).length).toBe(5);
    // Filter and paging together.
    const page1 = (await req('GET', '/v1/jobs?status=queued,failed&limit=4')).body;
    expect(page1.items).toHaveLength(4);
    const page2 = (await req('GET', `/v1/jobs?status=queued,failed&limit=4&cursor=${page1.next_cursor}`)).body;
    expect(page2.items).toHaveLength(2);
    expect(page2.next_cursor).toBeNull();
    expect([...page1.items, ...page2.items].map((j: { id: string }) => j.id)).toEqual([
      ids[6],
      ids[5],
      ids[4],
      ids[3],
      ids[2],
      ids[0],
    ]);
  });

  it.each([
    ['limit 0', 'limit=0', 'VALIDATION_FAILED'],
    ['limit 10000', 'limit=10000', 'VALIDATION_FAILED'],
    ['limit not a number', 'limit=ten', 'VALIDATION_FAILED'],
    ['unknown status', 'status=paused', 'VALIDATION_FAILED'],
    ['one unknown status among good ones', 'status=queued,paused', 'VALIDATION_FAILED'],
    ['garbage cursor', 'cursor=not-a-cursor', 'INVALID_CURSOR'],
    ['cursor of the wrong shape', `cursor=${Buffer.from('{"a":1}').toString('base64url')}`, 'INVALID_CURSOR'],
    ['unknown parameter', 'sort=asc', 'VALIDATION_FAILED'],
  ])('refuses %s with a coded 400', async (_name, q, code) => {
    const { status, body } = await req('GET', `/v1/jobs?${q}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe(code);
    await expectServing();
  });
});

describe('GET /v1/jobs/:id/metrics', () => {
  it('returns every logged series aligned with the epochs', async () => {
    const id = await submit();
    await finish(id, 'completed', [
      { loss: 0.7, accuracy: 0.5 },
      { loss: 0.5, accuracy: 0.7, learning_rate: 0.001 },
      { loss: 0.3, accuracy: 0.9, learning_rate: 0.0005 },
    ]);
    const { status, body } = await req('GET', `/v1/jobs/${id}/metrics`);
    expect(status).toBe(200);
    expect(body).toEqual({
      epochs: [1, 2, 3],
      metrics: { loss: [0.7, 0.5, 0.3], accuracy: [0.5, 0.7, 0.9], learning_rate: [null, 0.001, 0.0005] },
      total_epochs: 3,
      downsampling: 'none',
    });
  });

  it('downsamples a long history to max_points, keeping the first and last epochs', async () => {
    const id = await submit();
    const logs = Array.from({ length: 300 }, (_, i) => ({
      loss: 1 / (i + 1) + (i === 150 ? 2 : 0),
      accuracy: i / 300,
    }));
    await finish(id, 'completed', logs);
    const { body } = await req('GET', `/v1/jobs/${id}/metrics?max_points=20`);
    expect(body.total_epochs).toBe(300);
    expect(body.downsampling).toBe('lttb');
    expect(body.epochs).toHaveLength(20);
    expect(body.epochs[0]).toBe(1);
    expect(body.epochs.at(-1)).toBe(300);
    expect(body.epochs).toContain(151); // the spike survives
    expect(body.metrics.loss).toHaveLength(20);
    expect(body.metrics.accuracy).toHaveLength(20);
    body.epochs.forEach((e: number, i: number) => expect(body.metrics.accuracy[i]).toBeCloseTo((e - 1) / 300, 10));
  });

  it('answers an empty history for a job that has not trained yet', async () => {
    const id = await submit();
    expect((await req('GET', `/v1/jobs/${id}/metrics`)).body).toEqual({
      epochs: [],
      metrics: {},
      total_epochs: 0,
      downsampling: 'none',
    });
  });

  it.each([
    ['max_points 0', 'job_abc/metrics?max_points=0', 400, 'VALIDATION_FAILED'],
    ['max_points 1', 'job_abc/metrics?max_points=1', 400, 'VALIDATION_FAILED'],
    ['max_points huge', 'job_abc/metrics?max_points=100000000', 400, 'VALIDATION_FAILED'],
    ['a malformed id', 'nope/metrics', 400, 'VALIDATION_FAILED'],
    ['an unknown job', 'job_doesnotexist/metrics', 404, 'JOB_NOT_FOUND'],
  ])('refuses %s', async (_name, path, code, errorCode) => {
    const { status, body } = await req('GET', `/v1/jobs/${path}`);
    expect(status).toBe(code);
    expect(body.error.code).toBe(errorCode);
    await expectServing();
  });
});

describe('POST /v1/jobs/:id/cancel (no worker holds the job)', () => {
  it('cancels a queued job at once: off the queue, one cancelled event, idempotent', async () => {
    const id = await submit();
    const first = await req('POST', `/v1/jobs/${id}/cancel`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id, status: 'cancelled', attempts: 0 });
    expect(first.body.finished_at).toBeTruthy();
    expect(await app.queue.getJob(id)).toBeUndefined();
    const again = await req('POST', `/v1/jobs/${id}/cancel`);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('cancelled');
    const events = await app.redis.xrange(keys.events(prefix, id), '-', '+');
    expect(events.map(([, f]) => f[1])).toEqual(['status', 'cancelled']);
    const list = (await req('GET', '/v1/jobs?status=cancelled')).body.items.map((j: { id: string }) => j.id);
    expect(list).toContain(id);
    expect((await req('GET', '/v1/jobs?status=queued')).body.items.map((j: { id: string }) => j.id)).not.toContain(id);
  });

  it('refuses a finished job with 409 and an unknown one with 404', async () => {
    const id = await submit();
    await finish(id, 'completed');
    const done = await req('POST', `/v1/jobs/${id}/cancel`);
    expect(done.status).toBe(409);
    expect(done.body.error).toMatchObject({ code: 'JOB_ALREADY_FINISHED', details: { status: 'succeeded' } });
    expect((await req('GET', `/v1/jobs/${id}`)).body.status).toBe('succeeded');
    const unknown = await req('POST', '/v1/jobs/job_unknown123/cancel');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('JOB_NOT_FOUND');
    expect((await req('POST', '/v1/jobs/bad id/cancel')).status).toBe(400);
    await expectServing();
  });
});

describe('DELETE /v1/jobs/:id', () => {
  it('deletes a finished job: record, stream and list entry', async () => {
    const id = await submit();
    await finish(id, 'failed');
    const res = await req('DELETE', `/v1/jobs/${id}`);
    expect(res.status).toBe(204);
    expect((await req('GET', `/v1/jobs/${id}`)).status).toBe(404);
    expect(await app.redis.exists(keys.job(prefix, id), keys.events(prefix, id))).toBe(0);
    expect(await app.redis.zscore(jobKeys.created(prefix, DEFAULT_TENANT), id)).toBeNull();
    expect(await app.redis.zscore(jobKeys.byStatus(prefix, DEFAULT_TENANT, 'failed'), id)).toBeNull();
    const again = await req('DELETE', `/v1/jobs/${id}`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('JOB_NOT_FOUND');
  });

  it('refuses a queued or running job with 409, and keeps it', async () => {
    const id = await submit();
    const queued = await req('DELETE', `/v1/jobs/${id}`);
    expect(queued.status).toBe(409);
    expect(queued.body.error).toMatchObject({ code: 'JOB_NOT_FINISHED', details: { status: 'queued' } });
    await app.redis.hset(keys.job(prefix, id), 'status', 'running');
    const running = await req('DELETE', `/v1/jobs/${id}`);
    expect(running.status).toBe(409);
    expect(running.body.error.details.status).toBe('running');
    expect((await req('GET', `/v1/jobs/${id}`)).status).toBe(200);
    expect((await req('DELETE', '/v1/jobs/not-a-job-id')).status).toBe(400);
    await expectServing();
  });
});

describe('Idempotency-Key on POST /v1/jobs', () => {
  it('answers a retried POST with the same job, once queued', async () => {
    const key = 'retry-7c0f3b8a-2d4e';
    const first = await req('POST', '/v1/jobs', validJob(), { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const second = await req('POST', '/v1/jobs', validJob(), { 'idempotency-key': key });
    expect(second.status).toBe(200);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(await app.queue.getJobCounts('waiting').then((c) => c.waiting)).toBeGreaterThan(0);
    expect((await app.queue.getJobs(['waiting'])).filter((j) => j.data.jobId === first.body.id)).toHaveLength(1);
    const ttl = await app.redis.ttl(jobKeys.idempotency(prefix, `${DEFAULT_TENANT}:${key}`));
    expect(ttl).toBeGreaterThan(23 * 3600);
    expect(ttl).toBeLessThanOrEqual(24 * 3600);
    // Another key is another job.
    const other = await req('POST', '/v1/jobs', validJob(), { 'idempotency-key': `${key}-b` });
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);
  });

  it('refuses the same key with another body (422) and a malformed key (400)', async () => {
    const key = 'reuse-0123456789';
    expect((await req('POST', '/v1/jobs', validJob(), { 'idempotency-key': key })).status).toBe(201);
    const changed = validJob();
    changed.seed = 99;
    const reused = await req('POST', '/v1/jobs', changed, { 'idempotency-key': key });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    for (const bad of ['short', 'has spaces in it', 'x'.repeat(129), 'emoji-✓-key-123']) {
      const res = await req('POST', '/v1/jobs', validJob(), { 'idempotency-key': bad });
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.message).toMatch(/idempotency-key/);
    }
    await expectServing();
  });

  it('forgets the key with the job it created, once that job is deleted', async () => {
    const key = 'deleted-job-key-1';
    const first = await req('POST', '/v1/jobs', validJob(), { 'idempotency-key': key });
    await finish(first.body.id, 'completed');
    expect((await req('DELETE', `/v1/jobs/${first.body.id}`)).status).toBe(204);
    expect(await app.redis.exists(jobKeys.idempotency(prefix, `${DEFAULT_TENANT}:${key}`))).toBe(0);
    const again = await req('POST', '/v1/jobs', validJob(), { 'idempotency-key': key });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(first.body.id);
  });
});
