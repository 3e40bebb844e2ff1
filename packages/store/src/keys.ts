import type { JobStatus } from '@trainyard/contracts';

// The Redis key map: every key Trainyard writes outside BullMQ's own is built here, all under one
// prefix (a hash tag, so a Redis Cluster keeps them in one slot and a script may touch any of them).
// docs/architecture.md §3 describes each key's type, writers, readers and lifetime.

/** A job's record and its event stream. */
export const keys = {
  /** Hash: the job record (status, spec, owner, epoch, metrics, …). */
  job: (prefix: string, id: string) => `${prefix}:job:${id}`,
  /** Stream of the job's events, entries `type <type> data <json>`. */
  events: (prefix: string, id: string) => `${prefix}:events:${id}`,
};

/** Job-level keys beyond the record and the stream. */
export const jobKeys = {
  /** Sorted set: every job id of one tenant, scored by creation time in µs (Redis TIME). */
  created: (prefix: string, tenant: string) => `${prefix}:t:${tenant}:jobs:created`,
  /** Sorted set per tenant and status, scored like `created`. */
  byStatus: (prefix: string, tenant: string, status: JobStatus) => `${prefix}:t:${tenant}:jobs:status:${status}`,
  /** Set of every tenant that ever created a job (for /metrics totals). */
  tenants: (prefix: string) => `${prefix}:tenants`,
  /** An Idempotency-Key's remembered job (`<tenant>:<key>`). */
  idempotency: (prefix: string, tenantKey: string) => `${prefix}:idem:${tenantKey}`,
  /** Pub/sub channel on which the api asks whichever worker holds a job to cancel it. */
  cancel: (prefix: string) => `${prefix}:cancel`,
};

/** Sweep-level keys. */
export const sweepKeys = {
  /** Hash: id, tenant, status, method, metric, mode, seed, created_at, trials (JSON), ranking (JSON), cancel_requested. */
  record: (prefix: string, id: string) => `${prefix}:sweep:${id}`,
  /** Stream of the sweep's own events (trials' events stay in their jobs' streams). */
  events: (prefix: string, id: string) => `${prefix}:sweep:${id}:events`,
  /** Sorted set: one tenant's sweep ids by creation time (ms). */
  created: (prefix: string, tenant: string) => `${prefix}:t:${tenant}:sweeps:created`,
};

/** Stored datasets (the api's DatasetStore). */
export const datasetKeys = {
  /** String: the dataset record JSON plus its tenant. */
  record: (prefix: string, id: string) => `${prefix}:dataset:${id}`,
  /** Sorted set (all scores 0): one tenant's datasets, lex-ordered `<inverted ms>|<id>`. */
  byTenant: (prefix: string, tenant: string) => `${prefix}:t:${tenant}:datasets`,
};

/** String counter: one tenant's requests in one minute (the api's rate limiter). */
export const rateLimitKey = (prefix: string, tenant: string, minute: number) =>
  `${prefix}:ratelimit:${tenant}:${minute}`;

/** Blobs (RedisBlobStore): a meta hash per key and its chunks under a version. */
export const blobKeys = {
  /** Everything under this is a blob (for SCAN). */
  base: (prefix: string) => `${prefix}:blob:`,
  /** Hash: bytes, chunks, version. */
  meta: (prefix: string, key: string) => `${prefix}:blob:${key}`,
  /** String: one chunk of one version. */
  chunk: (prefix: string, key: string, version: string, n: number) => `${prefix}:blob:${key}#${version}:${n}`,
};
