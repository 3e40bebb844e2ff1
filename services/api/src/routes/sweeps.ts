import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { FlowProducer } from 'bullmq';
import {
  AccessToken,
  ErrorEnvelope,
  JobSpec,
  QUEUE_RETENTION,
  SWEEP_QUEUE,
  SweepCreated,
  SweepList,
  SweepListQuery,
  SweepParams,
  SweepRequest,
  SweepView,
  TRAIN_QUEUE,
  isTerminalStatus,
  sweepLinks,
  type JobStatus,
  type SweepJobData,
  type SweepTrial,
  type TrainJobData,
} from '@trainyard/contracts';
import { keys, sweepKeys } from '@trainyard/store';
import { cancelJob } from '../cancel.js';
import { ApiError } from '../errors.js';
import { newJobId } from '../job-store.js';
import { checkSubmission, trainJobOptions } from '../submit.js';
import { planTrials, type PlannedTrial } from '../sweep-plan.js';
import { newSweepId, SweepStore, type SweepRecord } from '../sweep-store.js';
import { resolveDataset } from '../resolve-dataset.js';
import { jobEstimate } from '../validate-job.js';
import { eventStreamResponse } from '../sse-docs.js';
import { eventStreamer, parseResume, type StreamSource } from '../sse.js';
import { jobSource } from './events.js';

const notFound = (id: string) => new ApiError('SWEEP_NOT_FOUND', `No sweep ${id}`, { id });

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

/**
 * Sweeps: a grid or random search over a base spec, run as a BullMQ flow (one parent on the sweep
 * queue, one child per trial on the train queue); each trial is an ordinary job.
 */
export const sweepRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const store = new SweepStore(app.redis, app.config.prefix);
  const flows = new FlowProducer({ connection: app.redis, prefix: app.config.prefix });
  const stream = eventStreamer(app);
  app.addHook('onClose', async () => {
    await flows.close();
  });

  /** The sweep with each trial's current status and metric value read from its job record. */
  async function view(rec: SweepRecord): Promise<SweepView> {
    const pipe = app.redis.pipeline();
    for (const t of rec.trials)
      pipe.hmget(keys.job(app.config.prefix, t.job_id), 'status', 'metrics', 'error', 'tenant');
    const rows = (await pipe.exec()) ?? [];
    const trials = rec.trials.map((t, i): SweepTrial => {
      const [err, v] = rows[i] ?? [null, []];
      if (err) throw err;
      const [status, metrics, error, owner] = v as (string | null)[];
      if (!status || owner !== rec.tenant) return { ...t }; // the trial's job was deleted
      const value = (JSON.parse(metrics || '{}') as Record<string, unknown>)[rec.metric];
      return {
        ...t,
        status: status as JobStatus,
        value: typeof value === 'number' ? value : null,
        ...(error && { error: JSON.parse(error) as SweepTrial['error'] }),
      };
    });
    const started = trials.some((t) => t.status !== undefined && t.status !== 'queued');
    return {
      id: rec.id,
      status: rec.status === 'queued' && started ? 'running' : rec.status,
      method: rec.method,
      metric: rec.metric,
      mode: rec.mode,
      ...(rec.seed !== undefined && { seed: rec.seed }),
      created_at: rec.created_at,
      ...(rec.finished_at && { finished_at: rec.finished_at }),
      trials,
      ...(rec.ranking && { ranking: rec.ranking }),
      links: sweepLinks(rec.id),
    };
  }

  app.post(
    '/v1/sweeps',
    {
      schema: {
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
      },
    },
    async (request, reply) => {
      const { tenant, body } = request;
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

      // Each trial record is created under the active-job limit; when one does not fit, the ones
      // already written are discarded, so a sweep is queued whole or not at all.
      const id = newSweepId();
      const jobIds = trials.map(() => newJobId());
      const created: string[] = [];
      try {
        for (const [i, t] of trials.entries()) {
          if (
            (await app.jobs.create(tenant, jobIds[i], t.spec, {
              maxActive: config.maxActiveJobs,
              estimate: jobEstimate(checked[i].estimate),
            })) === 'limit'
          ) {
            throw new ApiError(
              'TOO_MANY_ACTIVE_JOBS',
              `This sweep's ${trials.length} trials would take this tenant past its limit of ${config.maxActiveJobs} queued or running jobs; wait for some to finish or cancel some`,
              { limit: config.maxActiveJobs, trials: trials.length },
            );
          }
          created.push(jobIds[i]);
        }
        const records = trials.map((t, index) => ({ index, job_id: jobIds[index], params: t.params }));
        await store.create({
          id,
          tenant,
          method: body.method,
          metric: body.metric,
          mode: body.mode,
          ...(seed !== undefined && { seed }),
          trials: records,
        });
        const parent: SweepJobData = { sweepId: id, tenant };
        await flows.add({
          name: 'sweep',
          queueName: SWEEP_QUEUE,
          data: parent,
          opts: {
            jobId: id,
            attempts: config.jobAttempts,
            ...QUEUE_RETENTION,
          },
          children: trials.map((t, i) => {
            const data: TrainJobData = { jobId: jobIds[i], spec: t.spec, tenant, timeoutMs: checked[i].timeoutMs };
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
              opts: { ...trainJobOptions(config, jobIds[i]), ignoreDependencyOnFailure: true },
            };
          }),
        });
        request.log.info({ sweepId: id, tenant, trials: trials.length, method: body.method }, 'sweep queued');
        const links = sweepLinks(id);
        reply.header('location', links.self);
        return reply
          .status(201)
          .send({ id, status: 'queued', trials: records.map((r) => ({ ...r, status: 'queued' as const })), links });
      } catch (err) {
        await Promise.all(created.map((jobId) => app.jobs.discard(tenant, jobId).catch(() => undefined)));
        await store.discard(tenant, id).catch(() => undefined);
        throw err;
      }
    },
  );

  app.get(
    '/v1/sweeps',
    {
      schema: {
        operationId: 'listSweeps',
        summary: 'List sweeps',
        description:
          "The tenant's sweeps, newest first, at most `limit` (default 20); GET /v1/sweeps/{id} has each one's trials.",
        tags: ['sweeps'],
        querystring: SweepListQuery,
        response: { 200: SweepList, 400: ErrorEnvelope },
      },
    },
    async (request) => {
      const recs = await store.list(request.tenant, request.query.limit ?? 20);
      const items = await Promise.all(
        recs.map(async (rec) => {
          const v = await view(rec); // for the status, which turns running once a trial has started
          const summary = {
            id: v.id,
            status: v.status,
            method: v.method,
            metric: v.metric,
            mode: v.mode,
            created_at: v.created_at,
            trial_count: v.trials.length,
            links: v.links,
          };
          return v.finished_at ? { ...summary, finished_at: v.finished_at } : summary;
        }),
      );
      return { items };
    },
  );

  app.get(
    '/v1/sweeps/:id',
    {
      schema: {
        operationId: 'getSweep',
        summary: 'Get a sweep',
        description:
          "Status (queued, running, then succeeded when at least one trial succeeded, failed when none did, or cancelled), each trial's " +
          'parameters, job id, status and latest value of the metric, and once the sweep has ended the ranking: trials best first ' +
          'by the metric, those without a final value (failed, cancelled) last with their error.',
        tags: ['sweeps'],
        params: SweepParams,
        response: { 200: SweepView, 400: ErrorEnvelope, 404: ErrorEnvelope },
      },
    },
    async (request) => {
      const rec = await store.get(request.tenant, request.params.id);
      if (!rec) throw notFound(request.params.id);
      return view(rec);
    },
  );

  app.get(
    '/v1/sweeps/:id/events',
    {
      config: { queryToken: true },
      schema: {
        operationId: 'streamSweepEvents',
        summary: "Stream a sweep's events (SSE)",
        description:
          "Every trial's events and the sweep's own on one server-sent event stream, as GET /v1/events?jobs= carries several jobs: " +
          'a trial\'s message is `id: <job_id>/<stream-id>` with `"job_id"` added to its data; the sweep\'s are `event: sweep`, ' +
          '`id: <sweep_id>/<stream-id>` with `"sweep_id"`: `{"type":"sweep","status":"queued","trials":4}` at the start and, at ' +
          "the end, the final status with the ranking. The stream ends after every trial's terminal event and the sweep's last. " +
          'Resume with `?after=` (or Last-Event-ID): comma-separated `<id>/<stream-id>` pairs.',
        tags: ['sweeps'],
        params: SweepParams,
        querystring: Type.Object({
          after: Type.Optional(
            Type.String({
              maxLength: 8192,
              description: 'Resume position: comma-separated <job_id|sweep_id>/<stream-id> pairs',
            }),
          ),
          access_token: AccessToken,
        }),
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 8192 })) }),
        response: {
          200: eventStreamResponse(
            ['JobEvent', 'SweepEvent'],
            'id: swp_a/1732700000000-0\nevent: sweep\ndata: {"type":"sweep","status":"queued","trials":4,"sweep_id":"swp_a"}\n\n',
            'job_id or sweep_id',
          ),
          400: ErrorEnvelope,
          401: ErrorEnvelope,
          404: ErrorEnvelope,
        },
      },
    },
    async (request, reply) => {
      const { tenant } = request;
      const rec = await store.get(tenant, request.params.id);
      if (!rec) throw notFound(request.params.id);
      // A trial whose job was deleted has no stream left to wait for.
      const jobIds = rec.trials.map((t) => t.job_id);
      const statuses = await app.jobs.statuses(tenant, jobIds);
      const live = jobIds.filter((_, i) => statuses[i]);
      const resume = parseResume(request.query.after ?? request.headers['last-event-id'] ?? '', [...live, rec.id]);
      const sweep: StreamSource = {
        id: rec.id,
        field: 'sweep_id',
        key: sweepKeys.events(app.config.prefix, rec.id),
        after: resume.get(rec.id) ?? '0-0',
        ended: async () => isTerminalStatus((await store.get(tenant, rec.id))?.status),
        terminal: (e) => e.type === 'sweep' && isTerminalStatus((JSON.parse(e.data) as { status?: string }).status),
      };
      const sources = [...live.map((jobId) => jobSource(app, tenant, jobId, resume.get(jobId) ?? '0-0')), sweep];
      await stream(request, reply, sources);
    },
  );

  app.post(
    '/v1/sweeps/:id/cancel',
    {
      schema: {
        operationId: 'cancelSweep',
        summary: 'Cancel a sweep',
        description:
          'Cancels every trial not yet finished, as POST /v1/jobs/{id}/cancel does (queued ones at once, running ones at their next ' +
          'batch); once they have all ended the sweep ends `cancelled`, its ranking holding whatever trials had finished. Answers ' +
          '202 with the sweep while that happens, 200 once cancelled; a sweep that already succeeded or failed is a 409.',
        tags: ['sweeps'],
        params: SweepParams,
        response: { 200: SweepView, 202: SweepView, 400: ErrorEnvelope, 404: ErrorEnvelope, 409: ErrorEnvelope },
      },
    },
    async (request, reply) => {
      const { tenant } = request;
      const { id } = request.params;
      const status = await store.requestCancel(tenant, id);
      if (!status) throw notFound(id);
      if (status === 'succeeded' || status === 'failed')
        throw new ApiError('SWEEP_ALREADY_FINISHED', `Sweep ${id} already ${status}`, { id, status });
      const rec = await store.get(tenant, id);
      if (!rec) throw notFound(id);
      if (status !== 'cancelled') for (const t of rec.trials) await cancelJob(app, tenant, t.job_id);
      const current = await view((await store.get(tenant, id)) ?? rec);
      return reply.status(current.status === 'cancelled' ? 200 : 202).send(current);
    },
  );
};
