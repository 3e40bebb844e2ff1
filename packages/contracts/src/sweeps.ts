import { Type, type Static } from 'typebox';
import { JobError, JobId, JobStatusSchema } from './job.js';
import { JobSpec, SPEC_LIMITS } from './spec.js';

/**
 * The BullMQ queue of sweep parents; a parent runs once every trial (a child on the train queue)
 * has ended. Not "sweep": BullMQ keeps that queue's jobs at `<prefix>:sweep:<id>`, the sweep record's key.
 */
export const SWEEP_QUEUE = 'sweeps';

/** What the api puts on the sweep queue: ids only, the trials live in the sweep record. */
export interface SweepJobData {
  sweepId: string;
  tenant: string;
}

export const SweepId = Type.String({ pattern: '^swp_[A-Za-z0-9_-]{1,64}$', description: 'Sweep id, e.g. swp_9xk2…' });

/** A range sampled by random search; `log` samples evenly in log space (min must be > 0). */
export const SweepRange = Type.Object(
  {
    min: Type.Number(),
    max: Type.Number(),
    scale: Type.Optional(Type.Union([Type.Literal('linear'), Type.Literal('log')], { default: 'linear' })),
    integer: Type.Optional(
      Type.Boolean({ default: false, description: 'Round each sample to an integer (units, batch_size, …)' }),
    ),
  },
  { additionalProperties: false },
);
export type SweepRange = Static<typeof SweepRange>;

const SweepValues = Type.Array(Type.Unknown(), {
  minItems: 1,
  maxItems: 100,
  description: 'The values to try, any JSON',
});

/** The body of `POST /v1/sweeps`. */
export const SweepRequest = Type.Object(
  {
    base: JobSpec,
    method: Type.Union([Type.Literal('grid'), Type.Literal('random')], {
      description: 'grid: every combination of the value lists; random: `trials` draws, one value per parameter each',
    }),
    parameters: Type.Record(Type.String({ maxLength: 300 }), Type.Union([SweepValues, SweepRange]), {
      minProperties: 1,
      maxProperties: 16,
      description:
        'JSON pointer (RFC 6901) into `base` → a list of values, or (random only) a range { min, max, scale, integer }. ' +
        'Pointers must lie under /model, /compile or /fit and address a value present in base, e.g. ' +
        '/compile/optimizer/config/learning_rate, /fit/batch_size, /model/config/layers/1/config/units.',
    }),
    trials: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Random search only: how many trials to draw (default 10)' }),
    ),
    metric: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'A value every trial logs: loss, a metric, val_* with validation_split, test_* with a test split',
    }),
    mode: Type.Union([Type.Literal('min'), Type.Literal('max')], {
      description: 'min: lower is better (losses); max: higher is better (accuracy)',
    }),
    seed: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: SPEC_LIMITS.maxSeed,
        description: 'Random search only: the same seed draws the same trials',
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        base: {
          model: {
            class_name: 'Sequential',
            config: {
              layers: [
                { class_name: 'Dense', config: { units: 16, activation: 'relu', batch_input_shape: [null, 4] } },
                { class_name: 'Dense', config: { units: 3, activation: 'softmax' } },
              ],
            },
          },
          compile: {
            optimizer: { class_name: 'Adam', config: { learning_rate: 0.01 } },
            loss: 'sparse_categorical_crossentropy',
            metrics: ['accuracy'],
          },
          fit: { epochs: 20, batch_size: 16, validation_split: 0.2 },
          dataset: { builtin: 'iris' },
          seed: 1,
        },
        method: 'grid',
        parameters: {
          '/compile/optimizer/config/learning_rate': [0.001, 0.01, 0.1],
          '/model/config/layers/0/config/units': [8, 32],
        },
        metric: 'val_accuracy',
        mode: 'max',
      },
    ],
  },
);
export type SweepRequest = Static<typeof SweepRequest>;

export const SweepLinks = Type.Object({ self: Type.String(), events: Type.String(), cancel: Type.String() });

/** A trial as the sweep lists it: its parameters and its training job. */
export const SweepTrial = Type.Object({
  index: Type.Integer({ minimum: 0 }),
  job_id: JobId,
  params: Type.Record(Type.String(), Type.Unknown(), { description: 'Pointer → the value this trial used' }),
  status: Type.Optional(JobStatusSchema),
  value: Type.Optional(
    Type.Union([Type.Number(), Type.Null()], {
      description: "The trial's final value of the sweep's metric; null when it has none (not finished, failed)",
    }),
  ),
  error: Type.Optional(JobError),
});
export type SweepTrial = Static<typeof SweepTrial>;

/** One place in the ranking: best first; trials without the metric (failed, cancelled) last. */
export const SweepRank = Type.Object({
  rank: Type.Integer({ minimum: 1 }),
  index: Type.Integer({ minimum: 0 }),
  job_id: JobId,
  status: JobStatusSchema,
  value: Type.Union([Type.Number(), Type.Null()]),
  error: Type.Optional(JobError),
});
export type SweepRank = Static<typeof SweepRank>;

const LR = '/compile/optimizer/config/learning_rate';
const EXAMPLE_TRIALS = [
  { index: 0, job_id: 'job_t0a1', params: { [LR]: 0.001 } },
  { index: 1, job_id: 'job_t1b2', params: { [LR]: 0.01 } },
];
const EXAMPLE_VIEW = {
  id: 'swp_9xk2a7',
  status: 'succeeded',
  method: 'grid',
  metric: 'val_loss',
  mode: 'min',
  created_at: '2026-11-28T10:00:00.000Z',
  finished_at: '2026-11-28T10:01:12.400Z',
  trials: [
    { ...EXAMPLE_TRIALS[0], status: 'succeeded', value: 0.41 },
    { ...EXAMPLE_TRIALS[1], status: 'succeeded', value: 0.18 },
  ],
  ranking: [
    { rank: 1, index: 1, job_id: 'job_t1b2', status: 'succeeded', value: 0.18 },
    { rank: 2, index: 0, job_id: 'job_t0a1', status: 'succeeded', value: 0.41 },
  ],
  links: sweepLinks('swp_9xk2a7'),
};

const SweepMethod = Type.Union([Type.Literal('grid'), Type.Literal('random')]);
const SweepMode = Type.Union([Type.Literal('min'), Type.Literal('max')]);

export const SweepCreated = Type.Object(
  { id: SweepId, status: JobStatusSchema, trials: Type.Array(SweepTrial), links: SweepLinks },
  {
    examples: [
      {
        id: 'swp_9xk2a7',
        status: 'queued',
        trials: EXAMPLE_TRIALS.map((t) => ({ ...t, status: 'queued' })),
        links: sweepLinks('swp_9xk2a7'),
      },
    ],
  },
);
export type SweepCreated = Static<typeof SweepCreated>;

/** A sweep as `GET /v1/sweeps/:id` shows it; `ranking` once it has ended. */
export const SweepView = Type.Object(
  {
    id: SweepId,
    status: JobStatusSchema,
    method: SweepMethod,
    metric: Type.String(),
    mode: SweepMode,
    seed: Type.Optional(Type.Integer({ minimum: 0 })),
    created_at: Type.String({ description: 'ISO 8601' }),
    finished_at: Type.Optional(Type.String()),
    trials: Type.Array(SweepTrial),
    ranking: Type.Optional(Type.Array(SweepRank)),
    links: SweepLinks,
  },
  { examples: [EXAMPLE_VIEW] },
);
export type SweepView = Static<typeof SweepView>;

/** A sweep in a list: no trials, just counts. */
export const SweepSummary = Type.Object({
  id: SweepId,
  status: JobStatusSchema,
  method: SweepMethod,
  metric: Type.String(),
  mode: SweepMode,
  created_at: Type.String(),
  finished_at: Type.Optional(Type.String()),
  trial_count: Type.Integer({ minimum: 0 }),
  links: SweepLinks,
});
export type SweepSummary = Static<typeof SweepSummary>;

export const SweepList = Type.Object(
  { items: Type.Array(SweepSummary) },
  {
    examples: [
      {
        items: [
          {
            id: 'swp_9xk2a7',
            status: 'succeeded',
            method: 'grid',
            metric: 'val_loss',
            mode: 'min',
            created_at: '2026-11-28T10:00:00.000Z',
            finished_at: '2026-11-28T10:01:12.400Z',
            trial_count: 2,
            links: sweepLinks('swp_9xk2a7'),
          },
        ],
      },
    ],
  },
);
export const SweepListQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100,
        default: 20,
        description: 'Newest first, at most this many (1–100, default 20)',
      }),
    ),
  },
  { additionalProperties: false },
);
export const SweepParams = Type.Object({ id: SweepId });

/** What a sweep's own stream carries: `queued` when created, then one terminal event with the ranking. */
export const SweepEvent = Type.Object(
  {
    type: Type.Literal('sweep'),
    status: JobStatusSchema,
    trials: Type.Optional(Type.Integer({ minimum: 0, description: 'On the first event: how many trials run' })),
    ranking: Type.Optional(Type.Array(SweepRank, { description: 'On the last event: the trials, best first' })),
  },
  {
    description:
      "The data of a sweep's own message (`event: sweep`) on its event stream, with `sweep_id` added; " +
      "its trials' messages carry JobEvent data with `job_id` added.",
  },
);
export type SweepEvent = Static<typeof SweepEvent>;

/** Links every sweep view carries. */
export function sweepLinks(id: string): Static<typeof SweepLinks> {
  return { self: `/v1/sweeps/${id}`, events: `/v1/sweeps/${id}/events`, cancel: `/v1/sweeps/${id}/cancel` };
}
