import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sweepKeys, type JobStatus, type SweepEvent, type SweepRank, type SweepRequest } from '@trainyard/contracts';

/** A fresh, unguessable sweep id. */
export function newSweepId(): string {
  return `swp_${randomBytes(12).toString('base64url')}`;
}

/** A sweep as stored: the trials' own state lives in their job records. */
export interface SweepRecord {
  id: string;
  tenant: string;
  /** queued until the sweep worker ends it: succeeded, failed or cancelled. */
  status: JobStatus;
  method: SweepRequest['method'];
  metric: string;
  mode: SweepRequest['mode'];
  seed?: number;
  created_at: string;
  finished_at?: string;
  trials: { index: number; job_id: string; params: Record<string, unknown> }[];
  ranking?: SweepRank[];
  cancel_requested?: string;
}

function fromHash(h: Record<string, string>, tenant: string): SweepRecord | null {
  if (!h.id || h.tenant !== tenant) return null;
  return {
    id: h.id,
    tenant: h.tenant,
    status: h.status as JobStatus,
    method: h.method as SweepRecord['method'],
    metric: h.metric ?? '',
    mode: h.mode as SweepRecord['mode'],
    ...(h.seed && { seed: Number(h.seed) }),
    created_at: h.created_at ?? '',
    ...(h.finished_at && { finished_at: h.finished_at }),
    trials: JSON.parse(h.trials ?? '[]') as SweepRecord['trials'],
    ...(h.ranking && { ranking: JSON.parse(h.ranking) as SweepRank[] }),
    ...(h.cancel_requested && { cancel_requested: h.cancel_requested }),
  };
}

// Notes a cancel on an unfinished sweep of this tenant; returns the status found (nil: none).
const REQUEST_CANCEL = `
local s, t = unpack(redis.call('HMGET', KEYS[1], 'status', 'tenant'))
if not s or t ~= ARGV[2] then return false end
if s == 'queued' or s == 'running' then redis.call('HSETNX', KEYS[1], 'cancel_requested', ARGV[1]) end
return s
`;

/**
 * Sweep records: one hash per sweep naming its tenant, a per-tenant index by creation time, and
 * the sweep's own event stream (queued, then one terminal event with the ranking). The worker's
 * sweep processor writes the end; another tenant's sweep reads as missing.
 */
export class SweepStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Writes the queued record, its index entry and its first event together. */
  async create(rec: Omit<SweepRecord, 'status' | 'created_at'>): Promise<void> {
    const event: SweepEvent = { type: 'sweep', status: 'queued', trials: rec.trials.length };
    await this.redis
      .multi()
      .hset(sweepKeys.record(this.prefix, rec.id), {
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
      .zadd(sweepKeys.created(this.prefix, rec.tenant), Date.now(), rec.id)
      .xadd(sweepKeys.events(this.prefix, rec.id), '*', 'type', 'sweep', 'data', JSON.stringify(event))
      .exec();
  }

  /** Removes a sweep whose enqueue failed. */
  async discard(tenant: string, id: string): Promise<void> {
    await this.redis
      .multi()
      .del(sweepKeys.record(this.prefix, id), sweepKeys.events(this.prefix, id))
      .zrem(sweepKeys.created(this.prefix, tenant), id)
      .exec();
  }

  /** The sweep, or null (unknown, or another tenant's). */
  async get(tenant: string, id: string): Promise<SweepRecord | null> {
    return fromHash(await this.redis.hgetall(sweepKeys.record(this.prefix, id)), tenant);
  }

  /** A tenant's newest sweeps. */
  async list(tenant: string, limit: number): Promise<SweepRecord[]> {
    const ids = await this.redis.zrevrange(sweepKeys.created(this.prefix, tenant), 0, limit - 1);
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(sweepKeys.record(this.prefix, id));
    const rows = (await pipe.exec()) ?? [];
    return rows.flatMap(([err, h]) => {
      if (err) throw err;
      const rec = fromHash(h as Record<string, string>, tenant);
      return rec ? [rec] : [];
    });
  }

  /** Notes that a cancel was asked for; returns the status found, or null for an unknown sweep. */
  async requestCancel(tenant: string, id: string): Promise<JobStatus | null> {
    return (
      ((await this.redis.eval(
        REQUEST_CANCEL,
        1,
        sweepKeys.record(this.prefix, id),
        new Date().toISOString(),
        tenant,
      )) as JobStatus | null) ?? null
    );
  }
}
