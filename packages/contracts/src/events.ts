import { Type, type Static } from 'typebox';
import { JobStatusSchema } from './job.js';

/** Logs as Keras names them: loss, accuracy, val_loss, val_accuracy, … */
export const Logs = Type.Record(Type.String(), Type.Number(), {
  description: 'Keras-named logs: loss, accuracy, val_loss, val_accuracy, …',
});
export type Logs = Static<typeof Logs>;

const Epoch = Type.Integer({ minimum: 0, description: '1-based, as Keras prints it ("Epoch 3/5")' });

/** Why training ended early: an EarlyStopping callback ran out of patience. */
export const EarlyStop = Type.Object({
  monitor: Type.String(),
  best: Type.Optional(Type.Number()),
  best_epoch: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type EarlyStop = Static<typeof EarlyStop>;

/** What trains a job: WebAssembly SIMD or the TypeScript reference kernels (and why), on how many threads. */
export const Engine = Type.Object({
  kernels: Type.Union([Type.Literal('wasm-simd'), Type.Literal('typescript')]),
  threads: Type.Integer({ minimum: 1 }),
  simd: Type.Boolean(),
  reason: Type.Optional(Type.String({ description: 'Why the TypeScript kernels run, when they do' })),
});
export type Engine = Static<typeof Engine>;

const EventError = Type.Object({ code: Type.String(), message: Type.String() });
const CheckpointAt = {
  checkpoint_epoch: Type.Optional(Type.Integer({ minimum: 0, description: 'Every epoch up to this one is stored' })),
  checkpoint_batch: Type.Optional(
    Type.Integer({ minimum: 1, description: 'The checkpoint also holds this many batches of the next epoch' }),
  ),
};

/** The job's status changed. */
export const StatusEvent = Type.Object(
  {
    type: Type.Literal('status'),
    status: JobStatusSchema,
    attempt: Type.Integer({ minimum: 0 }),
    worker: Type.Optional(Type.String()),
    engine: Type.Optional(Engine),
  },
  {
    description:
      "The job's status changed: `queued` when created, `running` (with the worker and its engine) at each " +
      "attempt's start.",
  },
);

/** A line for the user. */
export const LogEvent = Type.Object(
  {
    type: Type.Literal('log'),
    level: Type.Union([Type.Literal('info'), Type.Literal('warn')]),
    message: Type.String(),
  },
  {
    description: 'A line for the user: the dataset loaded, the model summary, a warning.',
  },
);

/** Progress within an epoch. */
export const BatchEvent = Type.Object(
  {
    type: Type.Literal('batch'),
    epoch: Epoch,
    batch: Type.Integer({ minimum: 1 }),
    batches: Type.Integer({ minimum: 1 }),
    logs: Logs,
  },
  {
    description: 'Progress within an epoch, at most ~4 per second.',
  },
);

/** An epoch ended. */
export const EpochEvent = Type.Object(
  {
    type: Type.Literal('epoch'),
    epoch: Epoch,
    epochs: Type.Integer({ minimum: 1 }),
    logs: Logs,
    seconds: Type.Number({ minimum: 0 }),
    samples_per_second: Type.Number({ minimum: 0 }),
  },
  {
    description: 'An epoch ended (1-based, as Keras prints "Epoch 3/5"); never throttled.',
  },
);

/** Terminal: training finished. */
export const CompletedEvent = Type.Object(
  {
    type: Type.Literal('completed'),
    metrics: Logs,
    seconds: Type.Number({ minimum: 0 }),
    epoch: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Last epoch that ran (1-based); below fit.epochs when a callback stopped training',
      }),
    ),
    stopped_early: Type.Optional(EarlyStop),
    links: Type.Optional(
      Type.Object(
        { model: Type.String(), predict: Type.String() },
        { description: 'The trained model (TF.js model.json, weights.bin next to it) and its predict endpoint' },
      ),
    ),
  },
  {
    description: 'Terminal: training finished, with the final metrics.',
  },
);

/** A checkpoint is stored. */
export const CheckpointEvent = Type.Object(
  {
    type: Type.Literal('checkpoint'),
    epoch: Epoch,
    bytes: Type.Integer({ minimum: 0 }),
    batch: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  {
    description:
      'A checkpoint of the model after `epoch` is stored; a retried attempt resumes from the latest one. ' +
      '`batch` is set only on the checkpoint a cancel or timeout stores mid-epoch: the weights also hold ' +
      'that many batches of epoch `epoch + 1` (such a checkpoint is kept, never resumed from).',
  },
);

/** A retried attempt resumed from a checkpoint. */
export const ResumedEvent = Type.Object(
  { type: Type.Literal('resumed'), from_epoch: Epoch },
  {
    description:
      'A retried attempt (its worker crashed, stalled or shut down) restored the checkpoint of epoch ' +
      '`from_epoch` and trains on from there. Epochs the stream already reported are not reported again: ' +
      'the next epoch event is the first one not yet seen.',
  },
);

/** Terminal: the job failed. */
export const FailedEvent = Type.Object(
  { type: Type.Literal('failed'), error: EventError, ...CheckpointAt },
  {
    description:
      'Terminal: the job failed. JOB_TIMEOUT failures say where their checkpoint stands, as `cancelled` does.',
  },
);

/** Terminal: the job stopped at a cancel. */
export const CancelledEvent = Type.Object(
  {
    type: Type.Literal('cancelled'),
    reason: Type.Optional(Type.String()),
    ...CheckpointAt,
  },
  {
    description:
      'Terminal: the job stopped at a cancel. `checkpoint_epoch` is set when the stored checkpoint holds ' +
      'the work done: every epoch up to it, plus `checkpoint_batch` batches of the next one when it stopped ' +
      'mid-epoch.',
  },
);

/**
 * Events a job's stream carries, in order: the `data` of each SSE message, whose `event` is its
 * `type`. Every stream ends with exactly one terminal event (completed, failed or cancelled).
 */
export const JobEvent = Type.Union(
  [
    StatusEvent,
    LogEvent,
    BatchEvent,
    EpochEvent,
    CompletedEvent,
    CheckpointEvent,
    ResumedEvent,
    FailedEvent,
    CancelledEvent,
  ],
  {
    description:
      "The data of one message of a job's event stream; the message's `event` is its `type`. " +
      'A multiplexed stream adds `job_id`.',
  },
);
export type JobEvent = Static<typeof JobEvent>;

export type JobEventType = JobEvent['type'];
export const TERMINAL_EVENTS: readonly JobEventType[] = ['completed', 'failed', 'cancelled'];

/** True for the events after which a job's stream ends. */
export function isTerminalEvent(e: { type: string }): boolean {
  return (TERMINAL_EVENTS as readonly string[]).includes(e.type);
}

/** How often the worker may emit batch events (the SSE stream must not flood). */
export const BATCH_EVENT_INTERVAL_MS = 250;
/** SSE heartbeat comment period. */
export const SSE_HEARTBEAT_MS = 15_000;
