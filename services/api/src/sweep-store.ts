import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { JobStatus, SweepRank } from '@trainyard/contracts';
import { createSweep, discardSweep, requestSweepCancel, sweepKeys, type NewSweep } from '@trainyard/store';

/** A fresh, unguessable sweep id. */
export function newSweepId(): string {
  return `swp_${randomBytes(12).toString('base64url')}`;
}

/** A sweep as stored: the trials' own state lives in their job records. */
export interface SweepRecord extends NewSweep {
  /** queued until the sweep worker ends it: succeeded, failed or cancelled. */
  status: JobStatus;
  created_at: string;
  finished_at?: string;
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
  async create(rec: NewSweep): Promise<void> {
    await createSweep(this.redis, this.prefix, rec);
  }

  /** Removes a sweep whose enqueue failed. */
  async discard(tenant: string, id: string): Promise<void> {
    await discardSweep(this.redis, this.prefix, tenant, id);
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
    return requestSweepCancel(this.redis, this.prefix, tenant, id);
  }
}
