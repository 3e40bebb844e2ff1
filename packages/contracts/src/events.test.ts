import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { JobEvent, TERMINAL_EVENTS, isTerminalEvent, type JobEventType } from './events.js';
import { SweepEvent, type SweepRank } from './sweeps.js';

// One event of every kind, each with every field it can carry: the Record's key type makes a kind
// added to the schema without a sample here a compile error, and the checks below make a field
// the worker sends but the schema lacks (or types otherwise) a failure.
const FULL: Record<JobEventType, JobEvent> = {
  status: {
    type: 'status',
    status: 'running',
    attempt: 2,
    worker: 'host:123',
    engine: { kernels: 'typescript', threads: 1, simd: false, reason: 'no WebAssembly SIMD' },
  },
  log: { type: 'log', level: 'warn', message: 'dataset has 3 classes' },
  batch: { type: 'batch', epoch: 1, batch: 3, batches: 10, logs: { loss: 0.7, accuracy: 0.5 } },
  epoch: {
    type: 'epoch',
    epoch: 1,
    epochs: 5,
    logs: { loss: 0.4, val_loss: 0.5 },
    seconds: 1.2,
    samples_per_second: 900,
  },
  completed: {
    type: 'completed',
    metrics: { loss: 0.1, test_loss: 0.2 },
    seconds: 12.5,
    epoch: 4,
    stopped_early: { monitor: 'val_loss', best: 0.2, best_epoch: 2 },
    links: { model: '/v1/jobs/job_a/model', predict: '/v1/jobs/job_a/predict' },
  },
  checkpoint: { type: 'checkpoint', epoch: 3, bytes: 4096, batch: 7 },
  resumed: { type: 'resumed', from_epoch: 3 },
  failed: {
    type: 'failed',
    error: { code: 'JOB_TIMEOUT', message: 'ran out of time' },
    checkpoint_epoch: 2,
    checkpoint_batch: 5,
  },
  cancelled: { type: 'cancelled', reason: 'cancelled by the user', checkpoint_epoch: 1, checkpoint_batch: 2 },
};

/** The smallest event of each kind: only what every one carries. */
const MINIMAL: JobEvent[] = [
  { type: 'status', status: 'queued', attempt: 0 },
  { type: 'completed', metrics: {}, seconds: 0 },
  { type: 'checkpoint', epoch: 1, bytes: 10 },
  { type: 'failed', error: { code: 'WORKER_LOST', message: 'The trial ended without a result' } },
  { type: 'cancelled' },
];

/** The names of the properties a schema declares, for each variant of the union. */
function declared(type: string): string[] {
  const variant = JobEvent.anyOf.find((v) => v.properties.type.const === type);
  return Object.keys(variant?.properties ?? {});
}

describe('the JobEvent schema', () => {
  it('has exactly the kinds the TypeScript type has', () => {
    expect(JobEvent.anyOf.map((v) => v.properties.type.const).sort()).toEqual(Object.keys(FULL).sort());
  });

  it.each(Object.entries(FULL))('accepts a %s event with every field, and declares each of them', (type, event) => {
    expect([...Value.Errors(JobEvent, event)]).toEqual([]);
    expect(declared(type).sort()).toEqual(Object.keys(event).sort());
  });

  it.each(MINIMAL)('accepts a minimal $type event', (event) => {
    expect(Value.Check(JobEvent, event)).toBe(true);
  });

  it('refuses an unknown kind, a missing field and a mistyped one', () => {
    expect(Value.Check(JobEvent, { type: 'progress', epoch: 1 })).toBe(false);
    expect(Value.Check(JobEvent, { type: 'epoch', epoch: 1, epochs: 5, logs: {}, seconds: 1 })).toBe(false);
    expect(Value.Check(JobEvent, { ...FULL.batch, logs: { loss: 'NaN' } })).toBe(false);
    expect(Value.Check(JobEvent, { ...FULL.status, status: 'paused' })).toBe(false);
    expect(Value.Check(JobEvent, { ...FULL.status, engine: { kernels: 'webgpu', threads: 1, simd: false } })).toBe(
      false,
    );
  });

  it('names as terminal the kinds after which a stream ends, all of them in the schema', () => {
    for (const type of TERMINAL_EVENTS) expect(Value.Check(JobEvent, FULL[type])).toBe(true);
    expect(Object.keys(FULL).filter((type) => isTerminalEvent({ type }))).toEqual(['completed', 'failed', 'cancelled']);
  });
});

describe('the SweepEvent schema', () => {
  it("accepts a sweep's first and last event, and refuses a job's", () => {
    expect(Value.Check(SweepEvent, { type: 'sweep', status: 'queued', trials: 4 })).toBe(true);
    const ranking: SweepRank[] = [
      { rank: 1, index: 1, job_id: 'job_b', status: 'succeeded', value: 0.21 },
      {
        rank: 2,
        index: 0,
        job_id: 'job_a',
        status: 'failed',
        value: null,
        error: { code: 'TRAINING_DIVERGED', message: 'loss became NaN' },
      },
    ];
    expect([...Value.Errors(SweepEvent, { type: 'sweep', status: 'succeeded', ranking })]).toEqual([]);
    expect(Value.Check(SweepEvent, FULL.completed)).toBe(false);
  });
});
