import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { keys, type JobSpec, type JobStatus, type JobView } from '@trainyard/contracts';

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

/**
 * Job records live in one Redis hash per job; the worker updates status, epoch and metrics in
 * the same transaction as the event it streams, so the record and the stream never disagree.
 */
export class JobStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Writes the queued record and the stream's first event. */
  async create(id: string, spec: JobSpec): Promise<void> {
    const now = new Date().toISOString();
    await this.redis
      .multi()
      .hset(keys.job(this.prefix, id), { id, status: 'queued', spec: JSON.stringify(spec), created_at: now, attempts: '0' })
      .xadd(keys.events(this.prefix, id), '*', 'type', 'status', 'data', JSON.stringify({ type: 'status', status: 'queued', attempt: 0 }))
      .exec();
  }

  /** Removes a record whose enqueue failed, so no phantom "queued" job remains. */
  async discard(id: string): Promise<void> {
    await this.redis.del(keys.job(this.prefix, id), keys.events(this.prefix, id));
  }

  /** The job as the api shows it, or null. */
  async get(id: string): Promise<JobView | null> {
    const h = await this.redis.hgetall(keys.job(this.prefix, id));
    if (!h.id) return null;
    const view: JobView = {
      id: h.id,
      status: h.status as JobStatus,
      spec: JSON.parse(h.spec ?? '{}') as JobSpec,
      created_at: h.created_at ?? '',
      attempts: Number(h.attempts ?? 0),
      links: jobLinks(h.id),
    };
    if (h.started_at) view.started_at = h.started_at;
    if (h.finished_at) view.finished_at = h.finished_at;
    if (h.epoch) view.epoch = Number(h.epoch);
    const metrics = parseJson<Record<string, number>>(h.metrics);
    if (metrics) view.metrics = metrics;
    const error = parseJson<{ code: string; message: string }>(h.error);
    if (error) view.error = error;
    return view;
  }

  /** Just the status, for the SSE route's cheap existence check. */
  async status(id: string): Promise<JobStatus | null> {
    return ((await this.redis.hget(keys.job(this.prefix, id), 'status')) as JobStatus | null) ?? null;
  }
}
