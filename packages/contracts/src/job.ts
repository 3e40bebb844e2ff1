import { Type, type Static } from 'typebox';
import { JobSpec, JOB_SPEC_EXAMPLE } from './spec.js';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

/** Whether a status (as read from a record, possibly missing) is one a job never leaves. */
export function isTerminalStatus(status: string | null | undefined): boolean {
  return (TERMINAL_STATUSES as readonly (string | null | undefined)[]).includes(status);
}

/** What every job id looks like (`newJobId` writes `job_` and 16 base64url characters). */
export const JOB_ID_PATTERN = /^job_[A-Za-z0-9_-]{1,64}$/;

export const JobStatusSchema = Type.Union(
  [
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('succeeded'),
    Type.Literal('failed'),
    Type.Literal('cancelled'),
  ],
  { description: 'queued → running → succeeded | failed | cancelled' },
);

export const JobId = Type.String({
  pattern: JOB_ID_PATTERN.source,
  description: 'Job id, e.g. job_3kq9x…',
  examples: ['job_4f1c2a9e7b'],
});

export const Metrics = Type.Record(Type.String(), Type.Number(), {
  description: 'Keras-named logs: loss, accuracy, val_loss, val_accuracy, test_loss, test_accuracy, …',
});

export const JobLinks = Type.Object({
  self: Type.String(),
  events: Type.String(),
  model: Type.Optional(
    Type.String({ description: "Once succeeded: the trained model's TF.js model.json (weights.bin next to it)" }),
  ),
  predict: Type.Optional(Type.String({ description: 'Once succeeded: POST a batch of inputs here for outputs' })),
});

export const JobCreated = Type.Object(
  { id: JobId, status: JobStatusSchema, links: JobLinks },
  {
    examples: [
      {
        id: 'job_4f1c2a9e7b',
        status: 'queued',
        links: { self: '/v1/jobs/job_4f1c2a9e7b', events: '/v1/jobs/job_4f1c2a9e7b/events' },
      },
    ],
  },
);
export type JobCreated = Static<typeof JobCreated>;

export const JobError = Type.Object({ code: Type.String(), message: Type.String() });

/** A job as `GET /v1/jobs/:id` shows it. */
/** What the api estimated a job takes, before queueing it (checked against TRAINYARD_MAX_JOB_BYTES and TRAINYARD_MAX_JOB_FLOPS). */
export const JobEstimate = Type.Object(
  {
    memory_bytes: Type.Integer({
      minimum: 0,
      description:
        'Estimated peak worker memory: weights, gradients, optimizer slots, activations at the batch size, metric state, dataset',
    }),
    flops_per_epoch: Type.Number({
      minimum: 0,
      description:
        'Estimated training FLOPs per epoch (forward + backward over the training samples, forward over the validation samples)',
    }),
    params: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type JobEstimate = Static<typeof JobEstimate>;

export const JobView = Type.Object(
  {
    id: JobId,
    status: JobStatusSchema,
    spec: JobSpec,
    created_at: Type.String({ description: 'ISO 8601' }),
    started_at: Type.Optional(Type.String()),
    finished_at: Type.Optional(Type.String()),
    attempts: Type.Integer({ minimum: 0 }),
    epoch: Type.Optional(Type.Integer({ minimum: 0, description: 'Last finished epoch (1-based)' })),
    metrics: Type.Optional(Metrics),
    error: Type.Optional(JobError),
    estimate: Type.Optional(JobEstimate),
    links: JobLinks,
  },
  {
    examples: [
      {
        id: 'job_4f1c2a9e7b',
        status: 'succeeded',
        spec: JOB_SPEC_EXAMPLE,
        created_at: '2026-11-27T10:00:00.000Z',
        started_at: '2026-11-27T10:00:00.120Z',
        finished_at: '2026-11-27T10:00:04.870Z',
        attempts: 1,
        epoch: 30,
        metrics: { loss: 0.052, accuracy: 0.985, val_loss: 0.061, val_accuracy: 0.98 },
        estimate: { memory_bytes: 35_696_000, flops_per_epoch: 754_000, params: 162 },
        links: {
          self: '/v1/jobs/job_4f1c2a9e7b',
          events: '/v1/jobs/job_4f1c2a9e7b/events',
          model: '/v1/jobs/job_4f1c2a9e7b/model/model.json',
          predict: '/v1/jobs/job_4f1c2a9e7b/predict',
        },
      },
    ],
  },
);
export type JobView = Static<typeof JobView>;
