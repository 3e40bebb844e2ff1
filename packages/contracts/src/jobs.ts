import { Type, type Static } from 'typebox';
import type { JobEvent } from './events.js';
import { JOB_STATUSES, JobId, JobView, type JobStatus } from './job.js';
import { keys } from './queue.js';

const STATUS_ALT = JOB_STATUSES.join('|');

/** `status=running` or `status=queued,running` (and the parameter repeated). */
const StatusFilter = Type.String({
  pattern: `^(${STATUS_ALT})(,(${STATUS_ALT}))*$`,
  maxLength: 200,
  description: `One or several of ${JOB_STATUSES.join(', ')}, comma-separated (or the parameter repeated)`,
});

/** Query of `GET /v1/jobs`. */
export const JobListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([StatusFilter, Type.Array(StatusFilter, { minItems: 1, maxItems: JOB_STATUSES.length })]),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Page size (1–100, default 20)' }),
    ),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Opaque: the next_cursor of the previous page' }),
    ),
  },
  { additionalProperties: false },
);
export type JobListQuery = Static<typeof JobListQuery>;

/** A page of jobs, newest first. */
export const JobList = Type.Object(
  {
    items: Type.Array(JobView),
    next_cursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as ?cursor= for the next page; null on the last page',
    }),
  },
  {
    examples: [
      { items: (JobView as { examples?: unknown[] }).examples, next_cursor: 'MTc2NDIzNzYwMDAwMHxqb2JfNGYxYzJhOWU3Yg' },
    ],
  },
);
export type JobList = Static<typeof JobList>;

export const MetricsQuery = Type.Object(
  {
    max_points: Type.Optional(
      Type.Integer({
        minimum: 2,
        maximum: 10_000,
        default: 500,
        description: 'At most this many epochs are returned (2–10000, default 500); the first and last are always kept',
      }),
    ),
  },
  { additionalProperties: false },
);
export type MetricsQuery = Static<typeof MetricsQuery>;

/** A job's per-epoch history, downsampled server-side. */
export const JobMetrics = Type.Object(
  {
    epochs: Type.Array(Type.Integer({ minimum: 0 }), { description: '1-based epochs, ascending' }),
    metrics: Type.Record(Type.String(), Type.Array(Type.Union([Type.Number(), Type.Null()])), {
      description:
        'One series per logged value (loss, accuracy, val_*, learning_rate, …), aligned with epochs; null where an epoch did not log it',
    }),
    total_epochs: Type.Integer({ minimum: 0, description: 'Epochs in the full history before downsampling' }),
    downsampling: Type.Union([Type.Literal('none'), Type.Literal('lttb')], {
      description:
        'lttb: largest-triangle-three-buckets on loss (or the first series), the same epochs kept for every series',
    }),
  },
  {
    examples: [
      {
        epochs: [1, 2, 3],
        metrics: { loss: [0.69, 0.41, 0.3], accuracy: [0.52, 0.81, 0.9] },
        total_epochs: 3,
        downsampling: 'none',
      },
    ],
  },
);
export type JobMetrics = Static<typeof JobMetrics>;

/** `POST /v1/jobs/:id/cancel` answers the job as it stands. */
export const JobParams = Type.Object({ id: JobId });

/** The Idempotency-Key header of `POST /v1/jobs`. */
export const IdempotencyKey = Type.String({
  pattern: '^[A-Za-z0-9._:-]{8,128}$',
  description:
    'Any 8–128 characters of A-Z a-z 0-9 . _ : - (a UUID fits). A retried POST with the same key and body returns the same job for 24 h.',
});

/** `?access_token=`: the API key in the query, for browsers' EventSource (which cannot set headers); SSE routes only. */
export const AccessToken = Type.Optional(
  Type.String({
    minLength: 1,
    maxLength: 256,
    description: 'The API key, for clients that cannot send an Authorization header (a browser EventSource)',
  }),
);

/** How long an Idempotency-Key remembers its job. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

/** Job-level Redis keys beyond the record and the stream, all under the same prefix (one hash slot). */
export const jobKeys = {
  /** Sorted set: every job id of one tenant, scored by creation time in µs (Redis TIME). */
  created: (prefix: string, tenant: string) => `${prefix}:t:${tenant}:jobs:created`,
  /** Sorted set per tenant and status, scored like `created`. */
  byStatus: (prefix: string, tenant: string, status: JobStatus) => `${prefix}:t:${tenant}:jobs:status:${status}`,
  /** Set of every tenant that ever created a job (for /metrics totals). */
  tenants: (prefix: string) => `${prefix}:tenants`,
  /** An Idempotency-Key's remembered job (hashed key). */
  idempotency: (prefix: string, keyHash: string) => `${prefix}:idem:${keyHash}`,
  /** Pub/sub channel on which the api asks whichever worker holds a job to cancel it. */
  cancel: (prefix: string) => `${prefix}:cancel`,
};

type TerminalEvent = Extract<JobEvent, { type: 'completed' | 'failed' | 'cancelled' }>;

const STATUS_OF: Record<TerminalEvent['type'], JobStatus> = {
  completed: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

// Writes the terminal status, the terminal event and the status index together, once: whoever
// comes second (thread, worker main thread, api cancelling a queued job) changes nothing. A
// training thread passes its owner token (ARGV[8]); when another attempt has taken the job over
// since, it is fenced off (2). Callers without a token (the api, a worker's main thread) pass ''.
export const FINISH_JOB_LUA = `
local s = redis.call('HGET', KEYS[1], 'status')
if not s or s == 'succeeded' or s == 'failed' or s == 'cancelled' then return 0 end
if ARGV[8] ~= '' and redis.call('HGET', KEYS[1], 'owner') ~= ARGV[8] then return 2 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'finished_at', ARGV[2])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'metrics', ARGV[5]) end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'error', ARGV[6]) end
redis.call('XADD', KEYS[2], '*', 'type', ARGV[3], 'data', ARGV[4])
local t = redis.call('ZSCORE', KEYS[3], ARGV[7])
if t then
  redis.call('ZREM', KEYS[4], ARGV[7])
  redis.call('ZREM', KEYS[5], ARGV[7])
  redis.call('ZADD', KEYS[6], t, ARGV[7])
end
return 1
`;

/**
 * The EVAL arguments that end a job with exactly one terminal event: the script answers 1 when
 * it did, 0 when the job had already ended, 2 when `owner` is given and no longer owns the job.
 *
 * @example const done = (await redis.eval(...finishJobCall(prefix, tenant, id, { type: 'cancelled' }))) === 1;
 */
export function finishJobCall(
  prefix: string,
  tenant: string,
  jobId: string,
  event: TerminalEvent,
  owner = '',
): [string, number, ...string[]] {
  const status = STATUS_OF[event.type];
  return [
    FINISH_JOB_LUA,
    6,
    keys.job(prefix, jobId),
    keys.events(prefix, jobId),
    jobKeys.created(prefix, tenant),
    jobKeys.byStatus(prefix, tenant, 'queued'),
    jobKeys.byStatus(prefix, tenant, 'running'),
    jobKeys.byStatus(prefix, tenant, status),
    status,
    new Date().toISOString(),
    event.type,
    JSON.stringify(event),
    event.type === 'completed' ? JSON.stringify(event.metrics) : '',
    event.type === 'failed' ? JSON.stringify(event.error) : '',
    jobId,
    owner,
  ];
}
