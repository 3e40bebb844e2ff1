import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSpec, SweepRank } from '@trainyard/contracts';
import {
  createJob,
  createSweep,
  discardSweep,
  endJob,
  endSweep,
  keys,
  readTrials,
  requestSweepCancel,
  sweepKeys,
  type NewSweep,
} from '../index.js';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const prefix = `{ty-sweeps-${randomBytes(6).toString('hex')}}`;
let redis: Redis;
let n = 0;

beforeAll(() => {
  redis = new Redis(REDIS_URL);
});
afterAll(async () => {
  const ks = await redis.keys(`${prefix}*`);
  if (ks.length) await redis.del(...ks);
  redis.disconnect();
});

function sweep(tenant = 'acme'): NewSweep {
  const id = `swp_${n++}`;
  return {
    id,
    tenant,
    method: 'grid',
    metric: 'loss',
    mode: 'min',
    seed: 7,
    trials: [
      { index: 0, job_id: `job_${id}_0`, params: { '/fit/batch_size': 8 } },
      { index: 1, job_id: `job_${id}_1`, params: { '/fit/batch_size': 16 } },
    ],
  };
}

const events = async (id: string) =>
  (await redis.xrange(sweepKeys.events(prefix, id), '-', '+')).map(([, f]) => JSON.parse(f[3] ?? '') as unknown);

describe('sweep lifecycle', () => {
  it('creates the queued record, its index entry and its queued event', async () => {
    const s = sweep();
    await createSweep(redis, prefix, s);
    const rec = await redis.hgetall(sweepKeys.record(prefix, s.id));
    expect(rec).toMatchObject({ id: s.id, tenant: 'acme', status: 'queued', method: 'grid', mode: 'min', seed: '7' });
    expect(JSON.parse(rec.trials ?? '')).toEqual(s.trials);
    expect(await redis.zscore(sweepKeys.created(prefix, 'acme'), s.id)).not.toBeNull();
    expect(await events(s.id)).toEqual([{ type: 'sweep', status: 'queued', trials: 2 }]);
  });

  it("notes a cancel on its tenant's unfinished sweep only", async () => {
    const s = sweep();
    await createSweep(redis, prefix, s);
    expect(await requestSweepCancel(redis, prefix, 'other', s.id)).toBeNull();
    expect(await requestSweepCancel(redis, prefix, 'acme', 'swp_missing')).toBeNull();
    expect(await redis.hexists(sweepKeys.record(prefix, s.id), 'cancel_requested')).toBe(0);
    expect(await requestSweepCancel(redis, prefix, 'acme', s.id)).toBe('queued');
    expect(await redis.hexists(sweepKeys.record(prefix, s.id), 'cancel_requested')).toBe(1);
  });

  it('ends a sweep once, with its ranking and one terminal event', async () => {
    const s = sweep();
    await createSweep(redis, prefix, s);
    const ranking: SweepRank[] = [{ rank: 1, index: 0, job_id: s.trials[0].job_id, status: 'succeeded', value: 0.1 }];
    expect(await endSweep(redis, prefix, s.id, 'succeeded', ranking)).toBe(true);
    expect(await endSweep(redis, prefix, s.id, 'failed', [])).toBe(false);
    const rec = await redis.hgetall(sweepKeys.record(prefix, s.id));
    expect(rec.status).toBe('succeeded');
    expect(JSON.parse(rec.ranking ?? '')).toEqual(ranking);
    expect(await events(s.id)).toHaveLength(2);
    expect((await events(s.id))[1]).toEqual({ type: 'sweep', status: 'succeeded', ranking });
  });

  it("reads its trials' records in order, a deleted one as all nulls", async () => {
    const s = sweep();
    const [a, b] = s.trials.map((t) => ({ prefix, tenant: 'acme', id: t.job_id }));
    await createJob(redis, a!, {} as JobSpec);
    await createJob(redis, b!, {} as JobSpec);
    await endJob(redis, a!, { type: 'completed', metrics: { loss: 0.5 }, seconds: 1 });
    await redis.del(keys.job(prefix, b!.id));
    expect(await readTrials(redis, prefix, [a!.id, b!.id])).toEqual([
      ['succeeded', '{"loss":0.5}', null, null, 'acme'],
      [null, null, null, null, null],
    ]);
  });

  it('discards a sweep whose enqueue failed', async () => {
    const s = sweep();
    await createSweep(redis, prefix, s);
    await discardSweep(redis, prefix, 'acme', s.id);
    expect(await redis.exists(sweepKeys.record(prefix, s.id), sweepKeys.events(prefix, s.id))).toBe(0);
    expect(await redis.zscore(sweepKeys.created(prefix, 'acme'), s.id)).toBeNull();
  });
});
