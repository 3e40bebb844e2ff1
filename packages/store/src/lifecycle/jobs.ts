import type { Redis } from 'ioredis';
import { JOB_STATUSES, type JobEstimate, type JobEvent, type JobSpec, type JobStatus } from '@trainyard/contracts';
import { jobKeys, keys } from '../keys.js';
import { ATTEMPT_MEMORY, CREATE, DELETE, EMIT, FINISH_JOB, REQUEST_CANCEL, START } from './scripts.js';

/** Which job a lifecycle call is about. */
export interface JobRef {
  prefix: string;
  tenant: string;
  id: string;
}

/** The events that end a job. */
export type TerminalEvent = Extract<JobEvent, { type: 'completed' | 'failed' | 'cancelled' }>;

const STATUS_OF: Record<TerminalEvent['type'], JobStatus> = {
  completed: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** The record plus the index sets a status change touches. */
function recordKeys({ prefix, tenant, id }: JobRef): string[] {
  return [
    keys.job(prefix, id),
    keys.events(prefix, id),
    jobKeys.created(prefix, tenant),
    jobKeys.byStatus(prefix, tenant, 'queued'),
    jobKeys.byStatus(prefix, tenant, 'running'),
  ];
}

/** What an Idempotency-Key remembers: the job it created and a hash of the body it came with. */
export interface IdempotencyRecord {
  id: string;
  body_sha256: string;
}

/** What `createJob` writes beyond the spec. */
export interface CreateJobOptions {
  /** Refuse when the tenant has this many queued or running jobs (0: no limit). */
  maxActive?: number;
  idempotency?: { key: string; bodySha256: string; ttlSeconds: number };
  estimate?: JobEstimate;
}

/**
 * Writes the queued record, the stream's first event and the index entries. With an idempotency
 * key already used, writes nothing and returns what the key remembers; with the tenant at
 * `maxActive`, writes nothing and returns 'limit'; else null.
 */
export async function createJob(
  redis: Redis,
  ref: JobRef,
  spec: JobSpec,
  opts: CreateJobOptions = {},
): Promise<IdempotencyRecord | 'limit' | null> {
  const { idempotency, maxActive = 0 } = opts;
  const ks = [...recordKeys(ref), jobKeys.tenants(ref.prefix)];
  // Keys are per tenant: two tenants may pick the same one.
  if (idempotency) ks.push(jobKeys.idempotency(ref.prefix, `${ref.tenant}:${idempotency.key}`));
  const remembered: IdempotencyRecord = { id: ref.id, body_sha256: idempotency?.bodySha256 ?? '' };
  const r = await CREATE.run(redis, ks, [
    ref.id,
    JSON.stringify(spec),
    new Date().toISOString(),
    JSON.stringify({ type: 'status', status: 'queued', attempt: 0 }),
    JSON.stringify(remembered),
    idempotency?.ttlSeconds ?? 0,
    ref.tenant,
    maxActive,
    opts.estimate ? JSON.stringify(opts.estimate) : '',
  ]);
  if (r === 0) return 'limit';
  return r === 1 ? null : (JSON.parse(String(r)) as IdempotencyRecord);
}

/** What `startJob` found: go ahead, the job already ended, or a cancel is waiting for it. */
export type StartOutcome = 'started' | 'ended' | 'cancel_requested';

/**
 * Marks the job running and makes `owner` (the attempt's fencing token) its owner, unless it has
 * ended; a pending cancel makes the attempt the owner without starting it. `startedAt` is the
 * job's first start (ISO), whichever attempt it was; null unless started.
 */
export async function startJob(
  redis: Redis,
  ref: JobRef,
  owner: string,
  event: Extract<JobEvent, { type: 'status' }>,
): Promise<{ outcome: StartOutcome; startedAt: string | null }> {
  const r = await START.run(redis, recordKeys(ref), [
    String(event.attempt),
    new Date().toISOString(),
    JSON.stringify(event),
    ref.id,
    owner,
  ]);
  const [code, startedAt] = r as [number, string?];
  const outcome = code === 1 ? 'started' : code === 2 ? 'cancel_requested' : 'ended';
  return { outcome, startedAt: startedAt ?? null };
}

/**
 * Appends a non-terminal event while `owner` owns the job (an epoch event also updates the
 * record's epoch, metrics and samples_per_second); `seq` numbers the attempt's events from 1, so
 * a resent one is written once. Returns false when another attempt owns the job.
 */
export async function emitJobEvent(
  redis: Redis,
  ref: Omit<JobRef, 'tenant'>,
  owner: string,
  event: Exclude<JobEvent, TerminalEvent>,
  seq: number,
): Promise<boolean> {
  const epoch =
    event.type === 'epoch'
      ? [String(event.epoch), JSON.stringify(event.logs), String(event.samples_per_second)]
      : ['', '', ''];
  const r = await EMIT.run(
    redis,
    [keys.job(ref.prefix, ref.id), keys.events(ref.prefix, ref.id)],
    [owner, event.type, JSON.stringify(event), ...epoch, String(seq)],
  );
  return r === 1;
}

/** 1: the job ended now; 0: it had already ended (or is unknown); 2: `owner` no longer owns it. */
export type FinishCode = 0 | 1 | 2;

/**
 * Ends a job with exactly one terminal event: record, stream and status index together. Without
 * `owner` (the api, a worker's main thread) the first caller wins; with it, only while it owns the job.
 */
export async function endJob(redis: Redis, ref: JobRef, event: TerminalEvent, owner = ''): Promise<FinishCode> {
  const status = STATUS_OF[event.type];
  const r = await FINISH_JOB.run(
    redis,
    [...recordKeys(ref), jobKeys.byStatus(ref.prefix, ref.tenant, status)],
    [
      status,
      new Date().toISOString(),
      event.type,
      JSON.stringify(event),
      event.type === 'completed' ? JSON.stringify(event.metrics) : '',
      event.type === 'failed' ? JSON.stringify(event.error) : '',
      ref.id,
      owner,
    ],
  );
  return r as FinishCode;
}

/** Notes that a cancel was asked for (on a live job); returns the status found, or null when unknown or another tenant's. */
export async function requestJobCancel(redis: Redis, ref: JobRef): Promise<JobStatus | null> {
  const r = await REQUEST_CANCEL.run(redis, [keys.job(ref.prefix, ref.id)], [new Date().toISOString(), ref.tenant]);
  return (r as JobStatus | null) ?? null;
}

/**
 * Removes a job's record, stream, index entries and idempotency key. A live job is kept (its
 * status is returned) unless `force` (a record whose enqueue failed).
 */
export async function deleteJob(
  redis: Redis,
  ref: JobRef,
  force = false,
): Promise<'not_found' | 'deleted' | JobStatus> {
  const record = keys.job(ref.prefix, ref.id);
  const idem = (await redis.hget(record, 'idempotency_key')) ?? jobKeys.idempotency(ref.prefix, '');
  const ks = [
    record,
    keys.events(ref.prefix, ref.id),
    jobKeys.created(ref.prefix, ref.tenant),
    ...JOB_STATUSES.map((s) => jobKeys.byStatus(ref.prefix, ref.tenant, s)),
    idem,
  ];
  const r = await DELETE.run(redis, ks, [ref.id, ref.tenant, force ? '1' : '']);
  return r === 0 ? 'not_found' : r === 1 ? 'deleted' : (r as JobStatus);
}

/** What the record keeps of a running attempt's memory (field `attempt_memory`), for the next attempt to read if this one's worker dies. */
export interface AttemptMemory {
  attempt: number;
  /** The attempt's memory as the worker last measured it (bytes). */
  bytes: number;
  /** Its limit (WORKER_JOB_MEMORY_MB, bytes). */
  limit: number;
  /** Set once the worker began stopping the attempt for going past its limit. */
  contained?: boolean;
}

/** Writes (or, with null, removes) the attempt's memory note while `owner` owns the job; false when fenced off. */
export async function noteAttemptMemory(
  redis: Redis,
  ref: Omit<JobRef, 'tenant'>,
  owner: string,
  note: AttemptMemory | null,
): Promise<boolean> {
  const r = await ATTEMPT_MEMORY.run(redis, [keys.job(ref.prefix, ref.id)], [owner, note ? JSON.stringify(note) : '']);
  return r === 1;
}
