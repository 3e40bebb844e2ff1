import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  JOB_STATUSES,
  JOB_ID_PATTERN,
  artifactLinks,
  type JobEstimate,
  type JobSpec,
  type JobStatus,
  type JobView,
} from '@trainyard/contracts';
import {
  createJob,
  deleteJob,
  endJob,
  jobKeys,
  keys,
  requestJobCancel,
  type CreateJobOptions,
  type IdempotencyRecord,
} from '@trainyard/store';
import { ApiError } from './errors.js';

/** A fresh, unguessable job id. */
export function newJobId(): string {
  return `job_${randomBytes(12).toString('base64url')}`;
}

/** The 404 for a job this tenant cannot see (unknown, deleted, or another tenant's): one answer for all three. */
export function jobNotFound(id: string): ApiError {
  return new ApiError('JOB_NOT_FOUND', `No job ${id}`, { id });
}

/** Links every job view carries. */
export function jobLinks(id: string): JobView['links'] {
  return { self: `/v1/jobs/${id}`, events: `/v1/jobs/${id}/events` };
}

function parseJson<T>(raw: string | undefined): T | undefined {
  return raw === undefined || raw === '' ? undefined : (JSON.parse(raw) as T);
}

/** The record as its tenant sees it; another tenant's job (or none) is null. */
function toView(h: Record<string, string>, tenant: string): JobView | null {
  if (!h.id || h.tenant !== tenant) return null;
  const view: JobView = {
    id: h.id,
    status: h.status as JobStatus,
    spec: JSON.parse(h.spec ?? '{}') as JobSpec,
    created_at: h.created_at ?? '',
    attempts: Number(h.attempts ?? 0),
    // The worker stores the model before it marks the job succeeded.
    links: h.status === 'succeeded' ? { ...jobLinks(h.id), ...artifactLinks(h.id) } : jobLinks(h.id),
  };
  if (h.started_at) view.started_at = h.started_at;
  if (h.finished_at) view.finished_at = h.finished_at;
  if (h.epoch) view.epoch = Number(h.epoch);
  const metrics = parseJson<Record<string, number>>(h.metrics);
  if (metrics) view.metrics = metrics;
  const error = parseJson<{ code: string; message: string }>(h.error);
  if (error) view.error = error;
  const estimate = parseJson<JobEstimate>(h.estimate);
  if (estimate) view.estimate = estimate;
  return view;
}

export type { IdempotencyRecord };

export interface ListOptions {
  tenant: string;
  statuses?: JobStatus[];
  limit: number;
  cursor?: string;
}

interface Position {
  score: number;
  id: string;
}

/** Thrown for a cursor this api did not write: a 400 INVALID_CURSOR. */
export class InvalidCursorError extends ApiError {
  constructor() {
    super('INVALID_CURSOR', 'cursor must be a next_cursor this api returned', { path: 'cursor' });
  }
}

function encodeCursor(p: Position): string {
  return Buffer.from(JSON.stringify([p.score, p.id])).toString('base64url');
}

function decodeCursor(cursor: string): Position {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      Number.isSafeInteger(v[0]) &&
      typeof v[1] === 'string' &&
      JOB_ID_PATTERN.test(v[1])
    ) {
      return { score: v[0] as number, id: v[1] };
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

/** Newest first; equal creation times fall back to the id, as Redis orders equal scores. */
function newerFirst(a: Position, b: Position): number {
  return b.score - a.score || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Epoch history read from a job's stream: one series per logged value, aligned with epochs. */
export interface History {
  epochs: number[];
  series: Record<string, (number | null)[]>;
}

/**
 * Job records live in one Redis hash per job, each naming its tenant; the worker updates status,
 * epoch and metrics in the same transaction as the event it streams, so the record and the stream
 * never disagree. Per-tenant sorted sets by creation time in µs (all jobs, and one per status, kept
 * in step by the same scripts that change a status) serve the list. Every read takes the asking
 * tenant, and another tenant's job reads as missing.
 */
export class JobStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /**
   * Writes the queued record, the stream's first event and the index entries. With an
   * idempotency key already used, writes nothing and returns what the key remembers; with the
   * tenant at `maxActive` queued or running jobs (0: no limit), writes nothing and returns 'limit'.
   */
  async create(
    tenant: string,
    id: string,
    spec: JobSpec,
    opts: CreateJobOptions = {},
  ): Promise<IdempotencyRecord | 'limit' | null> {
    return createJob(this.redis, { prefix: this.prefix, tenant, id }, spec, opts);
  }

  /** Removes a record whose enqueue failed, so no phantom "queued" job (or key pointing at it) remains. */
  async discard(tenant: string, id: string): Promise<void> {
    await deleteJob(this.redis, { prefix: this.prefix, tenant, id }, true);
  }

  /** The job as the api shows it, or null (unknown, or another tenant's). */
  async get(tenant: string, id: string): Promise<JobView | null> {
    return toView(await this.redis.hgetall(keys.job(this.prefix, id)), tenant);
  }

  /** Just the status, for cheap existence checks; null when unknown or another tenant's. */
  async status(tenant: string, id: string): Promise<JobStatus | null> {
    const [status, owner] = await this.redis.hmget(keys.job(this.prefix, id), 'status', 'tenant');
    return owner === tenant ? ((status as JobStatus | null) ?? null) : null;
  }

  /** The statuses of several jobs in one round trip (null: unknown or another tenant's). */
  async statuses(tenant: string, ids: string[]): Promise<(JobStatus | null)[]> {
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hmget(keys.job(this.prefix, id), 'status', 'tenant');
    const rows = (await pipe.exec()) ?? [];
    return rows.map(([err, v]) => {
      if (err) throw err;
      const [status, owner] = v as (string | null)[];
      return owner === tenant ? ((status as JobStatus | null) ?? null) : null;
    });
  }

  /** A tenant's jobs newest first, optionally only some statuses; `next_cursor` is null on the last page. */
  async list({
    tenant,
    statuses,
    limit,
    cursor,
  }: ListOptions): Promise<{ items: JobView[]; next_cursor: string | null }> {
    const after = cursor === undefined ? null : decodeCursor(cursor);
    const sets = statuses?.length
      ? [...new Set(statuses)].map((s) => jobKeys.byStatus(this.prefix, tenant, s))
      : [jobKeys.created(this.prefix, tenant)];
    const candidates: Position[] = [];
    for (const set of sets) {
      // Entries created in the cursor's millisecond are re-read and filtered by id.
      const ties = after ? await this.redis.zcount(set, after.score, after.score) : 0;
      const raw = await this.redis.zrevrangebyscore(
        set,
        after ? after.score : '+inf',
        '-inf',
        'WITHSCORES',
        'LIMIT',
        0,
        limit + 1 + ties,
      );
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const p = { id: raw[i], score: Number(raw[i + 1]) };
        if (!after || newerFirst(after, p) < 0) candidates.push(p);
      }
    }
    candidates.sort(newerFirst);
    const page = candidates.slice(0, limit);
    const more = candidates.length > limit;
    const pipe = this.redis.pipeline();
    for (const p of page) pipe.hgetall(keys.job(this.prefix, p.id));
    const rows = (await pipe.exec()) ?? [];
    const items: JobView[] = [];
    for (const [err, h] of rows) {
      if (err) throw err;
      const view = toView(h as Record<string, string>, tenant);
      if (view) items.push(view); // deleted between the index read and now
    }
    return { items, next_cursor: more && page.length ? encodeCursor(page[page.length - 1]) : null };
  }

  /** The per-epoch logs from the job's epoch events (a resumed epoch keeps its latest values), or null for an unknown job. */
  async history(tenant: string, id: string): Promise<History | null> {
    if (!(await this.status(tenant, id))) return null;
    const byEpoch = new Map<number, Record<string, number>>();
    const stream = keys.events(this.prefix, id);
    for (let from = '-'; ;) {
      const page = await this.redis.xrange(stream, from, '+', 'COUNT', 1000);
      for (const [, fields] of page) {
        if (fields[1] !== 'epoch') continue; // fields: type, <type>, data, <json>
        const e = JSON.parse(fields[3] ?? '{}') as { epoch?: number; logs?: Record<string, number> };
        if (typeof e.epoch === 'number' && e.logs) byEpoch.set(e.epoch, e.logs);
      }
      if (page.length < 1000) break;
      from = `(${page[page.length - 1][0]}`;
    }
    const epochs = [...byEpoch.keys()].sort((a, b) => a - b);
    const series: Record<string, (number | null)[]> = {};
    epochs.forEach((epoch, i) => {
      for (const [name, value] of Object.entries(byEpoch.get(epoch)!)) {
        (series[name] ??= new Array<number | null>(epochs.length).fill(null))[i] = Number.isFinite(value)
          ? value
          : null;
      }
    });
    return { epochs, series };
  }

  /** Notes that a cancel was asked for; returns the status it found, or null for an unknown job. */
  async requestCancel(tenant: string, id: string): Promise<JobStatus | null> {
    return requestJobCancel(this.redis, { prefix: this.prefix, tenant, id });
  }

  /** Ends a job no worker holds as cancelled, with its one terminal event. */
  async finishCancelled(tenant: string, id: string, reason: string): Promise<boolean> {
    return (await endJob(this.redis, { prefix: this.prefix, tenant, id }, { type: 'cancelled', reason })) === 1;
  }

  /** Deletes a finished job; 'not_found', 'deleted', or the live status that forbids it. */
  async delete(tenant: string, id: string): Promise<'not_found' | 'deleted' | JobStatus> {
    return deleteJob(this.redis, { prefix: this.prefix, tenant, id });
  }

  /** Samples per second of every running job's last epoch, summed over all tenants (for /metrics). */
  async trainingRate(): Promise<number> {
    const tenants = await this.redis.smembers(jobKeys.tenants(this.prefix));
    const ids = (
      await Promise.all(tenants.map((t) => this.redis.zrange(jobKeys.byStatus(this.prefix, t, 'running'), '0', '-1')))
    ).flat();
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hget(keys.job(this.prefix, id), 'samples_per_second');
    const rows = (await pipe.exec()) ?? [];
    return rows.reduce((sum, [, v]) => sum + (Number(v) || 0), 0);
  }

  /** Jobs per status over every tenant, from the indexes (for /metrics). */
  async countByStatus(): Promise<Record<JobStatus, number>> {
    const tenants = await this.redis.smembers(jobKeys.tenants(this.prefix));
    const pipe = this.redis.pipeline();
    for (const t of tenants) for (const s of JOB_STATUSES) pipe.zcard(jobKeys.byStatus(this.prefix, t, s));
    const rows = (await pipe.exec()) ?? [];
    const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
    rows.forEach(([, n], i) => (counts[JOB_STATUSES[i % JOB_STATUSES.length]] += Number(n ?? 0)));
    return counts;
  }
}
