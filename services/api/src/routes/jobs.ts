import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  ErrorEnvelope,
  IdempotencyKey,
  JobCreated,
  JobList,
  JobListQuery,
  JobMetrics,
  JobParams,
  JobSpec,
  JobView,
  MetricsQuery,
  isTerminalStatus,
  jobBlobKey,
  type JobStatus,
} from '@trainyard/contracts';
import { cancelJob } from '../cancel.js';
import { lttbIndices } from '../downsample.js';
import { ApiError } from '../errors.js';
import { jobLinks, jobNotFound } from '../job-store.js';
import { submitJob } from '../submit.js';
import type { RouteApp } from './route-app.js';

/** POST /v1/jobs: check a spec and queue it. */
function registerSubmitJob(app: RouteApp): void {
  app.post(
    '/v1/jobs',
    {
      schema: {
        operationId: 'submitJob',
        summary: 'Submit a training job',
        description:
          'Takes a Keras model config, compile and fit arguments, a dataset and a seed. The model is built against ' +
          "the dataset's shapes before the job is queued, so a spec that cannot train is refused here with a 400 " +
          'naming the field, the layer and the shapes. compile and fit take the Keras options the engine trains with: ' +
          'metric objects (AUC, Precision, Recall, TopKCategoricalAccuracy, …), learning-rate schedules and gradient ' +
          'clipping in the optimizer config, class_weight, initial_epoch, and callbacks (EarlyStopping, ' +
          'ReduceLROnPlateau, TerminateOnNaN), each checked before queuing — a callback also against the values the job logs. ' +
          'With an Idempotency-Key header, a retried POST (same key, same body, within 24 h) answers 200 with the job the ' +
          'first one created instead of queuing another; the same key with a different body is a 422. Limits, each a coded 4xx: ' +
          'model parameters (SPEC_TOO_LARGE), epochs × samples (JOB_TOO_LARGE), timeout_seconds (JOB_TIMEOUT_TOO_LONG), ' +
          'the estimated peak worker memory — weights, gradients, optimizer slots, activations at the batch size, metric state, ' +
          'dataset — against TRAINYARD_MAX_JOB_BYTES (JOB_MEMORY_TOO_LARGE, whose details give the estimate, its parts, the ' +
          'layers that take the most and the limit), the estimated FLOPs of all epochs (JOB_COMPUTE_TOO_LARGE), and ' +
          'queued plus running jobs per tenant (429 TOO_MANY_ACTIVE_JOBS). The job record shows the estimate.',
        tags: ['jobs'],
        headers: Type.Object({ 'idempotency-key': Type.Optional(IdempotencyKey) }),
        body: JobSpec,
        response: {
          200: JobCreated,
          201: JobCreated,
          400: ErrorEnvelope,
          401: ErrorEnvelope,
          422: ErrorEnvelope,
          429: ErrorEnvelope,
          503: ErrorEnvelope,
        },
      },
    },
    async (request, reply) => {
      const job = await submitJob(app, request.tenant, request.body, {
        idempotencyKey: request.headers['idempotency-key'],
        log: request.log,
      });
      const links = jobLinks(job.id);
      reply.header('location', links.self);
      if (job.replayed)
        return reply.status(200).header('idempotent-replayed', 'true').send({ id: job.id, status: job.status, links });
      return reply.status(201).send({ id: job.id, status: job.status, links });
    },
  );
}

/** GET /v1/jobs: a page of the tenant's jobs, newest first. */
function registerListJobs(app: RouteApp): void {
  app.get(
    '/v1/jobs',
    {
      schema: {
        operationId: 'listJobs',
        summary: 'List jobs',
        description:
          'Newest first, `limit` per page (default 20, at most 100). `status` keeps only some statuses ' +
          '(`?status=queued,running` or the parameter repeated). Pass `next_cursor` back as `cursor` for the next page; ' +
          'it is null on the last one.',
        tags: ['jobs'],
        querystring: JobListQuery,
        response: { 200: JobList, 400: ErrorEnvelope },
      },
    },
    async (request) => {
      const { status, limit = 20, cursor } = request.query;
      const statuses = status === undefined ? undefined : ([status].flat().flatMap((s) => s.split(',')) as JobStatus[]);
      return app.jobs.list({ tenant: request.tenant, statuses, limit, cursor });
    },
  );
}

/** GET /v1/jobs/:id. */
function registerGetJob(app: RouteApp): void {
  app.get(
    '/v1/jobs/:id',
    {
      schema: {
        operationId: 'getJob',
        summary: 'Get a job',
        description:
          'Status, spec, attempts, timings, the latest epoch metrics while running, and the final metrics (with test_loss and test_accuracy where the dataset has a test split) once finished.',
        tags: ['jobs'],
        params: JobParams,
        response: { 200: JobView, 400: ErrorEnvelope, 404: ErrorEnvelope },
      },
    },
    async (request) => {
      const job = await app.jobs.get(request.tenant, request.params.id);
      if (!job) throw jobNotFound(request.params.id);
      return job;
    },
  );
}

/** GET /v1/jobs/:id/metrics: the metric history, downsampled past max_points. */
function registerJobMetrics(app: RouteApp): void {
  app.get(
    '/v1/jobs/:id/metrics',
    {
      schema: {
        operationId: 'getJobMetrics',
        summary: "A job's metric history",
        description:
          'Every value the epoch events logged (loss, accuracy, val_*, learning_rate, …), one series per name aligned ' +
          'with `epochs`. Long histories are downsampled on the server to at most `max_points` epochs (default 500) with ' +
          'largest-triangle-three-buckets on loss: the first and last epochs are always kept, and every series keeps the same epochs.',
        tags: ['jobs'],
        params: JobParams,
        querystring: MetricsQuery,
        response: { 200: JobMetrics, 400: ErrorEnvelope, 404: ErrorEnvelope },
      },
    },
    async (request) => {
      const { id } = request.params;
      const maxPoints = request.query.max_points ?? 500;
      const history = await app.jobs.history(request.tenant, id);
      if (!history) throw jobNotFound(id);
      const { epochs, series } = history;
      if (epochs.length <= maxPoints)
        return { epochs, metrics: series, total_epochs: epochs.length, downsampling: 'none' as const };
      const primary = series.loss ?? Object.values(series)[0] ?? [];
      const keep = lttbIndices(epochs, primary, maxPoints);
      const metrics = Object.fromEntries(
        Object.entries(series).map(([name, values]) => [name, keep.map((i) => values[i] ?? null)]),
      );
      return {
        epochs: keep.map((i) => epochs[i]),
        metrics,
        total_epochs: epochs.length,
        downsampling: 'lttb' as const,
      };
    },
  );
}

/** POST /v1/jobs/:id/cancel. */
function registerCancelJob(app: RouteApp): void {
  app.post(
    '/v1/jobs/:id/cancel',
    {
      schema: {
        operationId: 'cancelJob',
        summary: 'Cancel a job',
        description:
          'A queued job is taken off the queue and ends `cancelled` at once (200). A running job is asked to stop ' +
          '(202): the worker that holds it, on whichever machine, stops at the next batch boundary and the job ends ' +
          '`cancelled` with one terminal event, never retried; follow the events to see it. Cancelling again is ' +
          'harmless (200 once cancelled); a job that already succeeded or failed is a 409.',
        tags: ['jobs'],
        params: JobParams,
        response: { 200: JobView, 202: JobView, 400: ErrorEnvelope, 404: ErrorEnvelope, 409: ErrorEnvelope },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const status = await cancelJob(app, request.tenant, id);
      if (!status) throw jobNotFound(id);
      if (isTerminalStatus(status) && status !== 'cancelled') {
        throw new ApiError('JOB_ALREADY_FINISHED', `Job ${id} already ${status}`, { id, status });
      }
      const view = await app.jobs.get(request.tenant, id);
      if (!view) throw jobNotFound(id);
      return reply.status(view.status === 'cancelled' ? 200 : 202).send(view);
    },
  );
}

/** DELETE /v1/jobs/:id: a finished job and everything stored for it. */
function registerDeleteJob(app: RouteApp): void {
  app.delete(
    '/v1/jobs/:id',
    {
      schema: {
        operationId: 'deleteJob',
        summary: 'Delete a finished job',
        description:
          'Removes a succeeded, failed or cancelled job: its record, its event stream, its place in the list and its stored files (the trained model). A queued or running job is a 409: cancel it first.',
        tags: ['jobs'],
        params: JobParams,
        response: {
          204: Type.Null({ description: 'Deleted' }),
          400: ErrorEnvelope,
          404: ErrorEnvelope,
          409: ErrorEnvelope,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const result = await app.jobs.delete(request.tenant, id);
      if (result === 'not_found') throw jobNotFound(id);
      if (result !== 'deleted')
        throw new ApiError('JOB_NOT_FINISHED', `Job ${id} is ${result}; cancel it before deleting it`, {
          id,
          status: result,
        });
      await app.queue.remove(id).catch(() => undefined); // BullMQ's own copy, if still kept
      // The record went first, so nothing serves these blobs any more: the model, and whatever else is under jobs/<id>/.
      await app.blobs.delete(jobBlobKey(id));
      app.models.evict(id);
      return reply.status(204).send(null);
    },
  );
}

/** Submit, list, read, cancel and delete training jobs, and read their metric history. */
export const jobRoutes: FastifyPluginAsyncTypebox = async (app) => {
  registerSubmitJob(app);
  registerListJobs(app);
  registerGetJob(app);
  registerJobMetrics(app);
  registerCancelJob(app);
  registerDeleteJob(app);
};
