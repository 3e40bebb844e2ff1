import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { Value } from 'typebox/value';
import type { FlowProducer } from 'bullmq';
import {
  ErrorEnvelope,
  JobSpec,
  QUEUE_RETENTION,
  SWEEP_QUEUE,
  SweepCreated,
  SweepRequest,
  TRAIN_QUEUE,
  sweepLinks,
  type SweepJobData,
  type TrainJobData,
} from '@trainyard/contracts';
import { ApiError } from '../errors.js';
import { newJobId } from '../job-store.js';
import { resolveDataset } from '../resolve-dataset.js';
import { checkSubmission, trainJobOptions } from '../submit.js';
import { planTrials, type PlannedTrial } from '../sweep-plan.js';
import { newSweepId, type SweepStore } from '../sweep-store.js';
import { jobEstimate } from '../validate-job.js';

/** Runs a trial's check; a refusal names the trial and its parameters, keeping its own code and path. */
function inTrial<T>(index: number, params: Record<string, unknown>, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof Error && typeof (err as { code?: unknown }).code === 'string') {
      const e = err as Error & { details?: Record<string, unknown> };
      e.message = `Trial ${index} (${JSON.stringify(params)}): ${e.message}`;
      e.details = { ...e.details, trial: index, params };
    }
    throw err;
  }
}

/** A trial spec passes the same schema a job body does: a swept value can break it (batch_size 3.5). */
function checkSchema(spec: PlannedTrial['spec']): void {
  const [first] = Value.Errors(JobSpec, spec);
  if (first)
    throw new ApiError('VALIDATION_FAILED', `${first.instancePath || '/'} ${first.message}`, {
      path: first.instancePath,
    });
}

/** The metric must be one every trial logs: loss, its metrics, val_* with validation data, or test_* of those. */
function checkMetric(metric: string, logged: string[][]): void {
  logged.forEach((names, trial) => {
    const test = names.filter((n) => !n.startsWith('val_')).map((n) => `test_${n}`);
    if (names.includes(metric) || test.includes(metric)) return;
    const by = logged.length > 1 ? ` by trial ${trial}` : '';
    throw new ApiError(
      'SWEEP_UNKNOWN_METRIC',
      `metric "${metric}" is not logged${by}; it logs ${names.join(', ')} (and test_* of the training values where the dataset has a test split)`,
      {
        path: '/metric',
        trial,
        logged: names,
      },
    );
  });
}

export const createSweepSchema = {
  operationId: 'createSweep',
  summary: 'Start a hyperparameter sweep',
  description:
    'Runs a grid or random search over values of a base job spec, each trial an ordinary training job (GET /v1/jobs/{id}, ' +
    'its events and its model work as for any job). `parameters` maps JSON pointers into `base` (under /model, /compile or ' +
    '/fit, addressing a value base has) to a list of values, or for random search a range { min, max, scale: linear|log, integer }. ' +
    'A grid runs every combination; random search draws `trials` (default 10) from `seed`, so the same seed draws the same trials. ' +
    'Every trial is checked as POST /v1/jobs checks a job before anything is queued: one bad trial refuses the sweep with its ' +
    'own code, naming the trial (details.trial) and the path. Limits: TRAINYARD_MAX_SWEEP_TRIALS trials (400 SWEEP_TOO_MANY_TRIALS), and the ' +
    "trials count against the tenant's queued plus running jobs (429 TOO_MANY_ACTIVE_JOBS, nothing queued). When every trial has ended " +
    'the sweep ranks them by `metric` (`mode` min or max).',
  tags: ['sweeps'],
  body: SweepRequest,
  response: {
    201: SweepCreated,
    400: ErrorEnvelope,
    401: ErrorEnvelope,
    404: ErrorEnvelope,
    429: ErrorEnvelope,
    503: ErrorEnvelope,
  },
};

/** What queueing a sweep needs beyond the request. */
export interface SweepDeps {
  app: FastifyInstance;
  store: SweepStore;
  flows: FlowProducer;
}

/** A planned trial with its job id and what its check returned. */
interface Trial extends PlannedTrial {
  jobId: string;
  checked: ReturnType<typeof checkSubmission>;
}

/** Plans the trials and checks every one as POST /v1/jobs checks a job, then the metric against them all. */
async function checkedTrials(app: FastifyInstance, tenant: string, body: SweepRequest) {
  const { config } = app;
  const { seed, trials } = planTrials(body, config.maxSweepTrials);
  // Parameters sweep only /model, /compile and /fit, so every trial trains on base's dataset.
  const dataset = await resolveDataset(app.datasets, tenant, body.base.dataset, '/base/dataset/id');
  const checked = trials.map((t, index) =>
    inTrial(index, t.params, () => {
      checkSchema(t.spec);
      return checkSubmission(config, t.spec, dataset);
    }),
  );
  checkMetric(
    body.metric,
    checked.map((c) => c.logged),
  );
  return { seed, trials: trials.map((t, i): Trial => ({ ...t, jobId: newJobId(), checked: checked[i] })) };
}

/** Creates each trial's job record under the active-job limit; `created` collects those written. */
async function createTrialJobs(app: FastifyInstance, tenant: string, trials: Trial[], created: string[]) {
  const { maxActiveJobs } = app.config;
  for (const t of trials) {
    const estimate = jobEstimate(t.checked.estimate);
    if ((await app.jobs.create(tenant, t.jobId, t.spec, { maxActive: maxActiveJobs, estimate })) === 'limit') {
      throw new ApiError(
        'TOO_MANY_ACTIVE_JOBS',
        `This sweep's ${trials.length} trials would take this tenant past its limit of ${maxActiveJobs} queued or running jobs; wait for some to finish or cancel some`,
        { limit: maxActiveJobs, trials: trials.length },
      );
    }
    created.push(t.jobId);
  }
}

/** Queues the sweep as a BullMQ flow: its parent on the sweep queue, one child per trial on the train queue. */
async function queueFlow({ app, flows }: SweepDeps, id: string, tenant: string, trials: Trial[]): Promise<void> {
  const { config } = app;
  const parent: SweepJobData = { sweepId: id, tenant };
  await flows.add({
    name: 'sweep',
    queueName: SWEEP_QUEUE,
    data: parent,
    opts: { jobId: id, attempts: config.jobAttempts, ...QUEUE_RETENTION },
    children: trials.map((t) => {
      const data: TrainJobData = { jobId: t.jobId, spec: t.spec, tenant, timeoutMs: t.checked.timeoutMs };
      // A trial that fails (diverged, timed out) is a result, not a sweep failure. With
      // ignoreDependencyOnFailure a child failing its last attempt leaves the parent's pending
      // dependencies (kept among its failed children), so the parent runs once every trial has
      // ended either way. failParentOnFailure would fail the sweep for one bad trial,
      // continueParentOnFailure would start ranking while the others still train, and
      // removeDependencyOnFailure would release the parent too but forget that the child failed.
      return {
        name: 'train',
        queueName: TRAIN_QUEUE,
        data,
        opts: { ...trainJobOptions(config, t.jobId), ignoreDependencyOnFailure: true },
      };
    }),
  });
}

/** `POST /v1/sweeps`: every trial checked, then queued whole or not at all; answers the 201's body. */
export async function createSweep(
  deps: SweepDeps,
  tenant: string,
  body: SweepRequest,
  log: FastifyBaseLogger,
): Promise<SweepCreated> {
  const { app, store } = deps;
  const { seed, trials } = await checkedTrials(app, tenant, body);
  // When one trial's record does not fit under the active-job limit, the ones already written are
  // discarded, so a sweep is queued whole or not at all.
  const id = newSweepId();
  const created: string[] = [];
  try {
    await createTrialJobs(app, tenant, trials, created);
    const records = trials.map((t, index) => ({ index, job_id: t.jobId, params: t.params }));
    const { method, metric, mode } = body;
    await store.create({ id, tenant, method, metric, mode, ...(seed !== undefined && { seed }), trials: records });
    await queueFlow(deps, id, tenant, trials);
    log.info({ sweepId: id, tenant, trials: trials.length, method }, 'sweep queued');
    return {
      id,
      status: 'queued',
      trials: records.map((r) => ({ ...r, status: 'queued' as const })),
      links: sweepLinks(id),
    };
  } catch (err) {
    await Promise.all(created.map((jobId) => app.jobs.discard(tenant, jobId).catch(() => undefined)));
    await store.discard(tenant, id).catch(() => undefined);
    throw err;
  }
}
