import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LuaScript } from './lua.js';
import {
  JOB_STATUSES,
  artifactLinks,
  finishJobCall,
  jobKeys,
  keys,
  type JobEstimate,
  type JobSpec,
  type JobStatus,
  type JobView,
} from '@trainyard/contracts';
import { ApiError } from './errors.js';

/** A fresh, unguessable job id. */
export function newJobId(): string {
  return `job_${randomBytes(12).toString('base64url')}`;
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

// The record, the first event and both index entries at once; with an Idempotency-Key, only
// when the key is new (else the key's stored value is returned and nothing is written). A
// tenant already at its limit of queued and running jobs gets 0 and nothing is written.
const CREATE = new LuaScript(`
if #KEYS == 7 then
  local known = redis.call('GET', KEYS[7])
  if known then return known end
end
local limit = tonumber(ARGV[8])
if limit > 0 and redis.call('ZCARD', KEYS[4]) + redis.call('ZCARD', KEYS[5]) >= limit then return 0 end
if #KEYS == 7 then
  redis.call('SET', KEYS[7], ARGV[5], 'EX', ARGV[6])
  redis.call('HSET', KEYS[1], 'idempotency_key', KEYS[7])
end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'tenant', ARGV[7], 'status', 'queued', 'spec', ARGV[2], 'created_at', ARGV[3], 'attempts', '0')
if ARGV[9] ~= '' then redis.call('HSET', KEYS[1], 'estimate', ARGV[9]) end
redis.call('SADD', KEYS[6], ARGV[7])
redis.call('XADD', KEYS[2], '*', 'type', 'status', 'data', ARGV[4])
-- Microseconds from Redis's own clock (built as a string: Lua would print the number with 14 digits).
local now = redis.call('TIME')
local score = now[1] .. string.format('%06d', tonumber(now[2]))
redis.call('ZADD', KEYS[3], score, ARGV[1])
redis.call('ZADD', KEYS[4], score, ARGV[1])
return 1
`);

// Removes a job of this tenant that is not queued or running: record, stream, index entries, idempotency key.
const DELETE = `
local s, t = unpack(redis.call('HMGET', KEYS[1], 'status', 'tenant'))
if not s or t ~= ARGV[2] then return 0 end
if s == 'queued' or s == 'running' then return s end
local idem = redis.call('HGET', KEYS[1], 'idempotency_key')
redis.call('DEL', KEYS[1], KEYS[2])
for i = 3, #KEYS do
  if KEYS[i] == idem then redis.call('DEL', KEYS[i]) else redis.call('ZREM', KEYS[i], ARGV[1]) end
end
return 1
`;

// Marks a live job of this tenant as having a cancel pending (a worker starting it later ends it cancelled).
const REQUEST_CANCEL = `
local s, t = unpack(redis.call('HMGET', KEYS[1], 'status', 'tenant'))
if not s or t ~= ARGV[2] then return false end
if s == 'queued' or s == 'running' then redis.call('HSETNX', KEYS[1], 'cancel_requested', ARGV[1]) end
return s
`;

/** What an Idempotency-Key remembers: the job it created and a hash of the body it came with. */
export interface IdempotencyRecord {
  id: string;
  body_sha256: string;
}

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
      /^job_[A-Za-z0-9_-]{1,64}$/.test(v[1])
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
    opts: {
      maxActive?: number;
      idempotency?: { key: string; bodySha256: string; ttlSeconds: number };
      estimate?: JobEstimate;
    } = {},
  ): Promise<IdempotencyRecord | 'limit' | null> {
    const { idempotency, maxActive = 0 } = opts;
    const ks = [
      keys.job(this.prefix, id),
      keys.events(this.prefix, id),
      jobKeys.created(this.prefix, tenant),
      jobKeys.byStatus(this.prefix, tenant, 'queued'),
      jobKeys.byStatus(this.prefix, tenant, 'running'),
      jobKeys.tenants(this.prefix),
    ];
    // Keys are per tenant: two tenants may pick the same one.
    if (idempotency) ks.push(jobKeys.idempotency(this.prefix, `${tenant}:${idempotency.key}`));
    const remembered: IdempotencyRecord = { id, body_sha256: idempotency?.bodySha256 ?? '' };
    const r = await CREATE.run(this.redis, ks, [
      id,
      JSON.stringify(spec),
      new Date().toISOString(),
      JSON.stringify({ type: 'status', status: 'queued', attempt: 0 }),
      JSON.stringify(remembered),
      idempotency?.ttlSeconds ?? 0,
      tenant,
      maxActive,
      opts.estimate ? JSON.stringify(opts.estimate) : '',
    ]);
    if (r === 0) return 'limit';
    return r === 1 ? null : (JSON.parse(String(r)) as IdempotencyRecord);
  }

  /** Removes a record whose enqueue failed, so no phantom "queued" job (or key pointing at it) remains. */
  async discard(tenant: string, id: string): Promise<void> {
    const idem = await this.redis.hget(keys.job(this.prefix, id), 'idempotency_key');
    const tx = this.redis
      .multi()
      .del(keys.job(this.prefix, id), keys.events(this.prefix, id))
      .zrem(jobKeys.created(this.prefix, tenant), id);
    for (const s of JOB_STATUSES) tx.zrem(jobKeys.byStatus(this.prefix, tenant, s), id);
    if (idem) tx.del(idem);
    await tx.exec();
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
    return (
      ((await this.redis.eval(
        REQUEST_CANCEL,
        1,
        keys.job(this.prefix, id),
        new Date().toISOString(),
        tenant,
      )) as JobStatus | null) ?? null
    );
  }

  /** Ends a job no worker holds as cancelled, with its one terminal event. */
  async finishCancelled(tenant: string, id: string, reason: string): Promise<boolean> {
    return (await this.redis.eval(...finishJobCall(this.prefix, tenant, id, { type: 'cancelled', reason }))) === 1;
  }

  /** Deletes a finished job; 'not_found', 'deleted', or the live status that forbids it. */
  async delete(tenant: string, id: string): Promise<'not_found' | 'deleted' | JobStatus> {
    const record = keys.job(this.prefix, id);
    const idem = (await this.redis.hget(record, 'idempotency_key')) ?? jobKeys.idempotency(this.prefix, '');
    const ks = [
      record,
      keys.events(this.prefix, id),
      jobKeys.created(this.prefix, tenant),
      ...JOB_STATUSES.map((s) => jobKeys.byStatus(this.prefix, tenant, s)),
      idem,
    ];
    const r = await this.redis.eval(DELETE, ks.length, ...ks, id, tenant);
    return r === 0 ? 'not_found' : r === 1 ? 'deleted' : (r as JobStatus);
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
