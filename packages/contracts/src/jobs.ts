import { Type, type Static } from 'typebox';
import { JOB_STATUSES, JobId, JobView } from './job.js';

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
