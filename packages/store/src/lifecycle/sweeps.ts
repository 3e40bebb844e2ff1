import type { Redis } from 'ioredis';
import type { JobStatus, SweepEvent, SweepRank, SweepRequest } from '@trainyard/contracts';
import { keys, sweepKeys } from '../keys.js';
import { FINISH_SWEEP, REQUEST_CANCEL } from './scripts.js';

/** What a new sweep's record holds; its trials' own state lives in their job records. */
export interface NewSweep {
  id: string;
  tenant: string;
  method: SweepRequest['method'];
  metric: string;
  mode: SweepRequest['mode'];
  seed?: number;
  trials: { index: number; job_id: string; params: Record<string, unknown> }[];
}

/** Writes the queued record, its index entry and its first event together. */
export async function createSweep(redis: Redis, prefix: string, rec: NewSweep): Promise<void> {
  const event: SweepEvent = { type: 'sweep', status: 'queued', trials: rec.trials.length };
  await redis
    .multi()
    .hset(sweepKeys.record(prefix, rec.id), {
      id: rec.id,
      tenant: rec.tenant,
      status: 'queued',
      method: rec.method,
      metric: rec.metric,
      mode: rec.mode,
      ...(rec.seed !== undefined && { seed: String(rec.seed) }),
      created_at: new Date().toISOString(),
      trials: JSON.stringify(rec.trials),
    })
    .zadd(sweepKeys.created(prefix, rec.tenant), Date.now(), rec.id)
    .xadd(sweepKeys.events(prefix, rec.id), '*', 'type', 'sweep', 'data', JSON.stringify(event))
    .exec();
}

/** Removes a sweep whose enqueue failed: record, stream and index entry. */
export async function discardSweep(redis: Redis, prefix: string, tenant: string, id: string): Promise<void> {
  await redis
    .multi()
    .del(sweepKeys.record(prefix, id), sweepKeys.events(prefix, id))
    .zrem(sweepKeys.created(prefix, tenant), id)
    .exec();
}

/** Notes that a cancel was asked for (on an unfinished sweep); returns the status found, or null when unknown or another tenant's. */
export async function requestSweepCancel(
  redis: Redis,
  prefix: string,
  tenant: string,
  id: string,
): Promise<JobStatus | null> {
  const r = await REQUEST_CANCEL.run(redis, [sweepKeys.record(prefix, id)], [new Date().toISOString(), tenant]);
  return (r as JobStatus | null) ?? null;
}

/** Ends a sweep once with its ranking and last event; false when it had already ended. */
export async function endSweep(
  redis: Redis,
  prefix: string,
  id: string,
  status: JobStatus,
  ranking: SweepRank[],
): Promise<boolean> {
  const event: SweepEvent = { type: 'sweep', status, ranking };
  const r = await FINISH_SWEEP.run(
    redis,
    [sweepKeys.record(prefix, id), sweepKeys.events(prefix, id)],
    [status, new Date().toISOString(), JSON.stringify(ranking), JSON.stringify(event)],
  );
  return r === 1;
}

/** What a sweep's view and its ranking read of one trial's record (all null for a deleted one). */
export type TrialRow = [
  status: string | null,
  metrics: string | null,
  error: string | null,
  cancelRequested: string | null,
  tenant: string | null,
];

/** The trials' records as the sweep's view and ranking read them, in one round trip. */
export async function readTrials(redis: Redis, prefix: string, jobIds: string[]): Promise<TrialRow[]> {
  const pipe = redis.pipeline();
  for (const id of jobIds) pipe.hmget(keys.job(prefix, id), 'status', 'metrics', 'error', 'cancel_requested', 'tenant');
  return ((await pipe.exec()) ?? []).map(([err, row]) => {
    if (err) throw err;
    return row as TrialRow;
  });
}
