import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { JOB_STATUSES, type JobSpec, type JobStatus } from '@trainyard/contracts';
import {
  createJob,
  deleteJob,
  emitJobEvent,
  endJob,
  jobKeys,
  keys,
  noteAttemptMemory,
  requestJobCancel,
  startJob,
  type JobRef,
} from '../index.js';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const spec = { model: { class_name: 'Sequential' }, dataset: { name: 'xor' } } as unknown as JobSpec;
const running = (attempt: number) => ({ type: 'status', status: 'running', attempt }) as const;
const epoch = (n: number) =>
  ({ type: 'epoch', epoch: n, epochs: 3, logs: { loss: 1 / n }, seconds: 1, samples_per_second: 100 * n }) as const;

let redis: Redis;
let n = 0;
let prefix: string;
beforeAll(() => {
  redis = new Redis(REDIS_URL);
});
afterEach(async () => {
  vi.restoreAllMocks();
  const ks = await redis.keys(`${prefix}*`);
  if (ks.length) await redis.del(...ks);
});
afterAll(() => redis.disconnect());

/** A fresh prefix per test, and a job ref under it. */
function job(tenant = 'acme'): JobRef {
  prefix = `{ty-life-${randomBytes(4).toString('hex')}-${n++}}`;
  return { prefix, tenant, id: `job_${randomBytes(6).toString('base64url')}` };
}

/** Which status sets hold the job, with their scores. */
async function indexed(ref: JobRef): Promise<Partial<Record<JobStatus, string>>> {
  const found: Partial<Record<JobStatus, string>> = {};
  for (const s of JOB_STATUSES) {
    const score = await redis.zscore(jobKeys.byStatus(ref.prefix, ref.tenant, s), ref.id);
    if (score !== null) found[s] = score;
  }
  return found;
}

const eventTypes = async (ref: JobRef) =>
  (await redis.xrange(keys.events(ref.prefix, ref.id), '-', '+')).map(([, f]) => f[1]);

describe('createJob', () => {
  it('writes the queued record, the first event, the tenant and both index entries with one score', async () => {
    const ref = job();
    expect(await createJob(redis, ref, spec, { estimate: { flops: 1 } as never })).toBeNull();
    const rec = await redis.hgetall(keys.job(ref.prefix, ref.id));
    expect(rec).toMatchObject({ id: ref.id, tenant: 'acme', status: 'queued', attempts: '0', estimate: '{"flops":1}' });
    expect(JSON.parse(rec.spec ?? '')).toEqual(spec);
    expect(await eventTypes(ref)).toEqual(['status']);
    const created = await redis.zscore(jobKeys.created(ref.prefix, 'acme'), ref.id);
    expect(created).toMatch(/^\d{16}$/);
    expect(await indexed(ref)).toEqual({ queued: created });
    expect(await redis.sismember(jobKeys.tenants(ref.prefix), 'acme')).toBe(1);
  });

  it('answers what an Idempotency-Key remembers and writes nothing the second time', async () => {
    const ref = job();
    const idempotency = { key: 'k-12345678', bodySha256: 'abc', ttlSeconds: 60 };
    expect(await createJob(redis, ref, spec, { idempotency })).toBeNull();
    const again = { ...ref, id: 'job_second' };
    expect(await createJob(redis, again, spec, { idempotency })).toEqual({ id: ref.id, body_sha256: 'abc' });
    expect(await redis.exists(keys.job(ref.prefix, 'job_second'))).toBe(0);
    const key = jobKeys.idempotency(ref.prefix, 'acme:k-12345678');
    expect(await redis.ttl(key)).toBeGreaterThan(0);
    expect(await redis.hget(keys.job(ref.prefix, ref.id), 'idempotency_key')).toBe(key);
  });

  it("refuses a tenant at its limit of live jobs, and counts only that tenant's", async () => {
    const ref = job();
    await createJob(redis, ref, spec, { maxActive: 1 });
    expect(await createJob(redis, { ...ref, id: 'job_over' }, spec, { maxActive: 1 })).toBe('limit');
    expect(await redis.exists(keys.job(ref.prefix, 'job_over'))).toBe(0);
    expect(await createJob(redis, { ...ref, tenant: 'other', id: 'job_other' }, spec, { maxActive: 1 })).toBeNull();
  });
});

describe('startJob', () => {
  it('moves the job from queued to running with its creation score, and owns it', async () => {
    const ref = job();
    await createJob(redis, ref, spec);
    const created = await redis.zscore(jobKeys.created(ref.prefix, 'acme'), ref.id);
    const r = await startJob(redis, ref, 'owner-1', running(1));
    expect(r.outcome).toBe('started');
    expect(Date.parse(r.startedAt ?? '')).toBeGreaterThan(0);
    expect(await indexed(ref)).toEqual({ running: created });
    expect(await redis.hmget(keys.job(ref.prefix, ref.id), 'status', 'owner', 'attempts', 'seq')).toEqual([
      'running',
      'owner-1',
      '1',
      '0',
    ]);
    expect(await eventTypes(ref)).toEqual(['status', 'status']);
  });

  it('writes nothing when run again for the same attempt, and keeps the first started_at on the next', async () => {
    const ref = job();
    await createJob(redis, ref, spec);
    const first = await startJob(redis, ref, 'owner-1', running(1));
    expect(await startJob(redis, ref, 'owner-1', running(1))).toEqual(first);
    expect(await eventTypes(ref)).toHaveLength(2);
    const second = await startJob(redis, ref, 'owner-2', running(2));
    expect(second).toEqual({ outcome: 'started', startedAt: first.startedAt });
    expect(await redis.hget(keys.job(ref.prefix, ref.id), 'owner')).toBe('owner-2');
  });

  it('makes the attempt the owner without starting it when a cancel is pending', async () => {
    const ref = job();
    await createJob(redis, ref, spec);
    expect(await requestJobCancel(redis, ref)).toBe('queued');
    expect(await startJob(redis, ref, 'owner-1', running(1))).toEqual({ outcome: 'cancel_requested', startedAt: null });
    expect(await redis.hmget(keys.job(ref.prefix, ref.id), 'status', 'owner')).toEqual(['queued', 'owner-1']);
    expect(Object.keys(await indexed(ref))).toEqual(['queued']);
  });

  it('answers ended for a finished or unknown job', async () => {
    const ref = job();
    expect((await startJob(redis, ref, 'o', running(1))).outcome).toBe('ended');
    await createJob(redis, ref, spec);
    await endJob(redis, ref, { type: 'cancelled', reason: 'test' });
    expect((await startJob(redis, ref, 'o', running(1))).outcome).toBe('ended');
    expect(await redis.hget(keys.job(ref.prefix, ref.id), 'status')).toBe('cancelled');
  });
});

describe('emitJobEvent', () => {
  it("appends the owner's events once each, an epoch event updating the record's progress", async () => {
    const ref = job();
    await createJob(redis, ref, spec);
    await startJob(redis, ref, 'owner-1', running(1));
    expect(await emitJobEvent(redis, ref, 'owner-1', { type: 'log', level: 'info', message: 'hi' }, 1)).toBe(true);
    expect(await emitJobEvent(redis, ref, 'owner-1', epoch(1), 2)).toBe(true);
    expect(await emitJobEvent(redis, ref, 'owner-1', epoch(1), 2)).toBe(true); // a resent command
    expect(await eventTypes(ref)).toEqual(['status', 'status', 'log', 'epoch']);
    expect(await redis.hmget(keys.job(ref.prefix, ref.id), 'epoch', 'metrics', 'samples_per_second', 'seq')).toEqual([
      '1',
      '{"loss":1}',
      '100',
      '2',
    ]);
  });

  it('writes nothing for an attempt that no longer owns the job', async () => {
    const ref = job();
    await createJob(redis, ref, spec);
    await startJob(redis, ref, 'owner-1', running(1));
    await startJob(redis, ref, 'owner-2', running(2));
    expect(await emitJobEvent(redis, ref, 'owner-1', epoch(5), 1)).toBe(false);
    expect(await redis.hget(keys.job(ref.prefix, ref.id), 'epoch')).toBeNull();
    expect(await eventTypes(ref)).toEqual(['status', 'status', 'status']);
  });
});

describe('endJob', () => {
  it('ends a running job once: record, terminal event and the running → succeeded move', async () => {
    const ref = job();
    await createJob(redis, ref, spec);
    await startJob(redis, ref, 'owner-1', running(1));
    const created = await redis.zscore(jobKeys.created(ref.prefix, 'acme'), ref.id);
    const done = { type: 'completed', metrics: { loss: 0.1 }, seconds: 2 } as const;
    expect(await endJob(redis, ref, done, 'owner-1')).toBe(1);
    expect(await endJob(redis, ref, done, 'owner-1')).toBe(0);
    expect(await endJob(redis, ref, { type: 'failed', error: { code: 'X', message: 'x' } })).toBe(0);
    const rec = await redis.hgetall(keys.job(ref.prefix, ref.id));
    expect(rec).toMatchObject({ status: 'succeeded', metrics: '{"loss":0.1}' });
    expect(rec.error).toBeUndefined();
    expect(Date.parse(rec.finished_at ?? '')).toBeGreaterThan(0);
    expect(await indexed(ref)).toEqual({ succeeded: created });
    expect(await eventTypes(ref)).toEqual(['status', 'status', 'completed']);
  });

  it('fences off an attempt that lost the job (2) and writes nothing', async () => {
    const ref = job();
    await createJob(redis, ref, spec);
    await startJob(redis, ref, 'owner-1', running(1));
    await startJob(redis, ref, 'owner-2', running(2));
    expect(await endJob(redis, ref, { type: 'cancelled', reason: 'late' }, 'owner-1')).toBe(2);
    expect(await redis.hget(keys.job(ref.prefix, ref.id), 'status')).toBe('running');
    expect(Object.keys(await indexed(ref))).toEqual(['running']);
  });

  it('ends a queued job failed from the main thread (no owner), moving queued → failed', async () => {
    const ref = job();
    await createJob(redis, ref, spec);
    const error = { code: 'WORKER_LOST', message: 'gone' };
    expect(await endJob(redis, ref, { type: 'failed', error })).toBe(1);
    expect(JSON.parse((await redis.hget(keys.job(ref.prefix, ref.id), 'error')) ?? '')).toEqual(error);
    expect(Object.keys(await indexed(ref))).toEqual(['failed']);
  });
});

describe('requestJobCancel', () => {
  it('notes the first request on a live job only, and sees only its own tenant', async () => {
    const ref = job();
    expect(await requestJobCancel(redis, ref)).toBeNull();
    await createJob(redis, ref, spec);
    expect(await requestJobCancel(redis, { ...ref, tenant: 'other' })).toBeNull();
    expect(await redis.hexists(keys.job(ref.prefix, ref.id), 'cancel_requested')).toBe(0);
    expect(await requestJobCancel(redis, ref)).toBe('queued');
    const first = await redis.hget(keys.job(ref.prefix, ref.id), 'cancel_requested');
    await new Promise((r) => setTimeout(r, 2));
    await requestJobCancel(redis, ref);
    expect(await redis.hget(keys.job(ref.prefix, ref.id), 'cancel_requested')).toBe(first);

    const ended = { ...ref, id: 'job_ended' };
    await createJob(redis, ended, spec);
    await endJob(redis, ended, { type: 'failed', error: { code: 'X', message: 'x' } });
    expect(await requestJobCancel(redis, ended)).toBe('failed');
    expect(await redis.hexists(keys.job(ref.prefix, ended.id), 'cancel_requested')).toBe(0);
  });
});

describe('deleteJob', () => {
  it('keeps a live job, removes a finished one with its stream, index entries and idempotency key', async () => {
    const ref = job();
    await createJob(redis, ref, spec, { idempotency: { key: 'k-12345678', bodySha256: 'a', ttlSeconds: 60 } });
    expect(await deleteJob(redis, ref)).toBe('queued');
    expect(await deleteJob(redis, { ...ref, tenant: 'other' })).toBe('not_found');
    await endJob(redis, ref, { type: 'cancelled', reason: 'r' });
    expect(await deleteJob(redis, ref)).toBe('deleted');
    expect(await redis.keys(`${ref.prefix}*`)).toEqual([jobKeys.tenants(ref.prefix)]);
    expect(await deleteJob(redis, ref)).toBe('not_found');
  });

  it('removes a live job when forced (an enqueue that failed)', async () => {
    const ref = job();
    await createJob(redis, ref, spec);
    expect(await deleteJob(redis, ref, true)).toBe('deleted');
    expect(await indexed(ref)).toEqual({});
    expect(await redis.zcard(jobKeys.created(ref.prefix, 'acme'))).toBe(0);
  });
});

describe('noteAttemptMemory', () => {
  it("writes and removes the owner's note, and nothing for another attempt", async () => {
    const ref = job();
    await createJob(redis, ref, spec);
    await startJob(redis, ref, 'owner-1', running(1));
    const note = { attempt: 1, bytes: 10, limit: 100 };
    expect(await noteAttemptMemory(redis, ref, 'owner-2', note)).toBe(false);
    expect(await redis.hexists(keys.job(ref.prefix, ref.id), 'attempt_memory')).toBe(0);
    expect(await noteAttemptMemory(redis, ref, 'owner-1', note)).toBe(true);
    expect(JSON.parse((await redis.hget(keys.job(ref.prefix, ref.id), 'attempt_memory')) ?? '')).toEqual(note);
    expect(await noteAttemptMemory(redis, ref, 'owner-1', null)).toBe(true);
    expect(await redis.hexists(keys.job(ref.prefix, ref.id), 'attempt_memory')).toBe(0);
  });
});

describe('the lifecycle scripts', () => {
  it('are sent by SHA1 once Redis knows them: a whole second lifecycle sends no script text', async () => {
    const lifecycle = async (ref: JobRef) => {
      await createJob(redis, ref, spec);
      await requestJobCancel(redis, { ...ref, id: 'job_none' });
      await startJob(redis, ref, 'o', running(1));
      await emitJobEvent(redis, ref, 'o', epoch(1), 1);
      await noteAttemptMemory(redis, ref, 'o', null);
      await endJob(redis, ref, { type: 'completed', metrics: {}, seconds: 1 }, 'o');
      await deleteJob(redis, ref);
    };
    const first = job();
    await lifecycle(first);
    const evalSpy = vi.spyOn(redis, 'eval');
    const evalshaSpy = vi.spyOn(redis, 'evalsha');
    await lifecycle({ ...first, id: 'job_again' });
    expect(evalSpy).not.toHaveBeenCalled();
    expect(evalshaSpy).toHaveBeenCalledTimes(7);
  });
});
