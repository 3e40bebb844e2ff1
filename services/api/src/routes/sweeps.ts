import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { FlowProducer } from 'bullmq';
import {
  AccessToken,
  ErrorEnvelope,
  SweepList,
  SweepListQuery,
  SweepParams,
  SweepView,
  isTerminalStatus,
} from '@trainyard/contracts';
import { sweepKeys } from '@trainyard/store';
import { cancelJob } from '../cancel.js';
import { ApiError } from '../errors.js';
import { eventStreamResponse } from '../sse-docs.js';
import { eventStreamer, parseResume, type StreamSource } from '../sse.js';
import { SweepStore, type SweepRecord } from '../sweep-store.js';
import { jobSource } from './events.js';
import { createSweep, createSweepSchema } from './sweep-create.js';
import { sweepSummary, sweepView } from './sweep-view.js';

const notFound = (id: string) => new ApiError('SWEEP_NOT_FOUND', `No sweep ${id}`, { id });

const listSchema = {
  operationId: 'listSweeps',
  summary: 'List sweeps',
  description:
    "The tenant's sweeps, newest first, at most `limit` (default 20); GET /v1/sweeps/{id} has each one's trials.",
  tags: ['sweeps'],
  querystring: SweepListQuery,
  response: { 200: SweepList, 400: ErrorEnvelope },
};

const getSchema = {
  operationId: 'getSweep',
  summary: 'Get a sweep',
  description:
    "Status (queued, running, then succeeded when at least one trial succeeded, failed when none did, or cancelled), each trial's " +
    'parameters, job id, status and latest value of the metric, and once the sweep has ended the ranking: trials best first ' +
    'by the metric, those without a final value (failed, cancelled) last with their error.',
  tags: ['sweeps'],
  params: SweepParams,
  response: { 200: SweepView, 400: ErrorEnvelope, 404: ErrorEnvelope },
};

const streamSchema = {
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
      ['job_id', 'sweep_id'],
    ),
    400: ErrorEnvelope,
    401: ErrorEnvelope,
    404: ErrorEnvelope,
  },
};

const cancelSchema = {
  operationId: 'cancelSweep',
  summary: 'Cancel a sweep',
  description:
    'Cancels every trial not yet finished, as POST /v1/jobs/{id}/cancel does (queued ones at once, running ones at their next ' +
    'batch); once they have all ended the sweep ends `cancelled`, its ranking holding whatever trials had finished. Answers ' +
    '202 with the sweep while that happens, 200 once cancelled; a sweep that already succeeded or failed is a 409.',
  tags: ['sweeps'],
  params: SweepParams,
  response: { 200: SweepView, 202: SweepView, 400: ErrorEnvelope, 404: ErrorEnvelope, 409: ErrorEnvelope },
};

/** The sources of a sweep's stream: its trials' jobs (those not deleted) and its own events, each after its resume pair. */
async function sweepSources(
  app: FastifyInstance,
  store: SweepStore,
  rec: SweepRecord,
  resumeFrom: string,
): Promise<StreamSource[]> {
  const { tenant } = rec;
  // A trial whose job was deleted has no stream left to wait for.
  const jobIds = rec.trials.map((t) => t.job_id);
  const statuses = await app.jobs.statuses(tenant, jobIds);
  const live = jobIds.filter((_, i) => statuses[i]);
  const resume = parseResume(resumeFrom, [...live, rec.id]);
  const sweep: StreamSource = {
    id: rec.id,
    field: 'sweep_id',
    key: sweepKeys.events(app.config.prefix, rec.id),
    after: resume.get(rec.id) ?? '0-0',
    ended: async () => isTerminalStatus((await store.get(tenant, rec.id))?.status),
    terminal: (e) => e.type === 'sweep' && isTerminalStatus((JSON.parse(e.data) as { status?: string }).status),
  };
  return [...live.map((jobId) => jobSource(app, tenant, jobId, resume.get(jobId) ?? '0-0')), sweep];
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
  const find = async (tenant: string, id: string) => {
    const rec = await store.get(tenant, id);
    if (!rec) throw notFound(id);
    return rec;
  };

  app.post('/v1/sweeps', { schema: createSweepSchema }, async (request, reply) => {
    const created = await createSweep({ app, store, flows }, request.tenant, request.body, request.log);
    reply.header('location', created.links.self);
    return reply.status(201).send(created);
  });

  app.get('/v1/sweeps', { schema: listSchema }, async (request) => {
    const recs = await store.list(request.tenant, request.query.limit ?? 20);
    // Through the view for the status, which turns running once a trial has started.
    return { items: await Promise.all(recs.map(async (rec) => sweepSummary(await sweepView(app, rec)))) };
  });

  app.get('/v1/sweeps/:id', { schema: getSchema }, async (request) =>
    sweepView(app, await find(request.tenant, request.params.id)),
  );

  app.get('/v1/sweeps/:id/events', { config: { queryToken: true }, schema: streamSchema }, async (request, reply) => {
    const rec = await find(request.tenant, request.params.id);
    const after = request.query.after ?? request.headers['last-event-id'] ?? '';
    await stream(request, reply, await sweepSources(app, store, rec, after));
  });

  app.post('/v1/sweeps/:id/cancel', { schema: cancelSchema }, async (request, reply) => {
    const { tenant } = request;
    const { id } = request.params;
    const status = await store.requestCancel(tenant, id);
    if (!status) throw notFound(id);
    if (status === 'succeeded' || status === 'failed')
      throw new ApiError('SWEEP_ALREADY_FINISHED', `Sweep ${id} already ${status}`, { id, status });
    const rec = await find(tenant, id);
    if (status !== 'cancelled') for (const t of rec.trials) await cancelJob(app, tenant, t.job_id);
    const current = await sweepView(app, (await store.get(tenant, id)) ?? rec);
    return reply.status(current.status === 'cancelled' ? 200 : 202).send(current);
  });
};
