import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  AccessToken,
  ErrorEnvelope,
  JOB_ID_PATTERN,
  JobId,
  isTerminalEvent,
  isTerminalStatus,
} from '@trainyard/contracts';
import { keys } from '@trainyard/store';
import { ApiError } from '../errors.js';
import { jobNotFound } from '../job-store.js';
import { eventStreamResponse } from '../sse-docs.js';
import { eventStreamer, parseLastEventId, parseResume, type StreamSource } from '../sse.js';

/** Most jobs one multiplexed stream (`GET /v1/events?jobs=`) may carry. */
export const MAX_STREAM_JOBS = 50;

/** A job's event stream as a source of an SSE response; `tagged` for a multiplexed one. */
export function jobSource(
  app: FastifyInstance,
  tenant: string,
  jobId: string,
  after = '0-0',
  tagged = true,
): StreamSource {
  return {
    id: jobId,
    ...(tagged && { field: 'job_id' as const }),
    key: keys.events(app.config.prefix, jobId),
    after,
    ended: async () => isTerminalStatus(await app.jobs.status(tenant, jobId)),
    terminal: isTerminalEvent,
  };
}

const jobStreamSchema = {
  operationId: 'streamJobEvents',
  summary: "Stream a job's events (SSE)",
  description:
    'Server-sent events: status, log, batch (at most ~4 per second), epoch, then exactly one terminal event ' +
    '(completed, failed or cancelled), after which the server ends the stream. `completed` carries the final metrics, ' +
    'the last epoch that ran (`epoch`) and, when an EarlyStopping callback ended training before fit.epochs, ' +
    '`stopped_early: { monitor, best, best_epoch }`. Each event id is the Redis Stream ' +
    'entry id; reconnect with the Last-Event-ID header (or ?last_event_id=) to receive exactly what was missed. ' +
    'A ": ping" comment arrives every 15 s.',
  tags: ['jobs'],
  params: Type.Object({ id: JobId }),
  querystring: Type.Object({
    last_event_id: Type.Optional(Type.String({ maxLength: 64 })),
    access_token: AccessToken,
  }),
  headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 64 })) }),
  // The 200 names its own media type; errors are the JSON envelope, so no route-wide `produces`.
  response: {
    200: eventStreamResponse(
      ['JobEvent'],
      'id: 1732700000000-0\nevent: epoch\ndata: {"type":"epoch","epoch":1,"epochs":5,"logs":{"loss":0.41,"accuracy":0.86}}\n\n',
    ),
    400: ErrorEnvelope,
    401: ErrorEnvelope,
    404: ErrorEnvelope,
  },
};

const multiplexedSchema = {
  operationId: 'streamEvents',
  summary: "Stream several jobs' events on one connection (SSE)",
  description:
    `One server-sent event stream carrying the events of up to ${MAX_STREAM_JOBS} jobs, listed comma-separated in ` +
    '`?jobs=job_a,job_b` (duplicates are ignored). Each job is replayed from its start, then the stream stays live; ' +
    "each job's own events stay in order, while events of different jobs interleave as they arrive. Every message is " +
    '`event: <type>`, `data: {...event, "job_id": "<job_id>"}` and `id: <job_id>/<stream-id>` (the stream id is the ' +
    'per-job Redis Stream entry id, as in /v1/jobs/{id}/events). The stream ends once every listed job has sent ' +
    'its terminal event (completed, failed or cancelled); a ": ping" comment arrives every 15 s.\n\n' +
    'Resuming: pass the last id received for each job as a comma-separated list of `<job_id>/<stream-id>` pairs, ' +
    'in `?after=` or the Last-Event-ID header (`?after=` wins when both are given). Each listed job resumes just ' +
    'after its pair; jobs without a pair replay from the start. Note that a browser EventSource resends only the ' +
    "last message's id, which resumes that one job: to resume every job exactly, keep the newest id per job and " +
    'reconnect with `?after=`. Errors (before the stream starts): missing, empty, malformed or too many job ids → ' +
    '400 VALIDATION_FAILED; a malformed resume position → 400 INVALID_LAST_EVENT_ID; an unknown job → 404 JOB_NOT_FOUND.',
  tags: ['jobs'],
  querystring: Type.Object({
    jobs: Type.String({
      minLength: 1,
      maxLength: 4096,
      description: `Comma-separated job ids, at most ${MAX_STREAM_JOBS}`,
    }),
    after: Type.Optional(
      Type.String({
        maxLength: 8192,
        description: 'Resume position: comma-separated <job_id>/<stream-id> pairs',
      }),
    ),
    access_token: AccessToken,
  }),
  headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 8192 })) }),
  response: {
    200: eventStreamResponse(
      ['JobEvent'],
      'id: job_a/1732700000000-0\nevent: epoch\ndata: {"type":"epoch","epoch":1,"epochs":5,"logs":{"loss":0.41},"job_id":"job_a"}\n\n',
      ['job_id'],
    ),
    400: ErrorEnvelope,
    401: ErrorEnvelope,
    404: ErrorEnvelope,
  },
};

/** The job ids of `?jobs=`: none empty, at most MAX_STREAM_JOBS once duplicates are dropped, each well-formed. */
function listedJobs(raw: string): string[] {
  const listed = raw.split(',').map((j) => j.trim());
  if (listed.some((j) => j === '')) {
    throw new ApiError('VALIDATION_FAILED', 'querystring/jobs must be comma-separated job ids with none empty', {
      path: 'jobs',
    });
  }
  const jobs = [...new Set(listed)];
  if (jobs.length > MAX_STREAM_JOBS) {
    throw new ApiError(
      'VALIDATION_FAILED',
      `querystring/jobs lists ${jobs.length} jobs; at most ${MAX_STREAM_JOBS} are allowed`,
      { path: 'jobs', limit: MAX_STREAM_JOBS },
    );
  }
  const malformed = jobs.find((j) => !JOB_ID_PATTERN.test(j));
  if (malformed !== undefined) {
    throw new ApiError('VALIDATION_FAILED', `querystring/jobs has a malformed job id "${malformed.slice(0, 80)}"`, {
      path: 'jobs',
      id: malformed.slice(0, 80),
    });
  }
  return jobs;
}

/**
 * `GET /v1/jobs/:id/events`: the job's event stream as server-sent events, resumable by Last-Event-ID.
 * `GET /v1/events?jobs=a,b`: several jobs' streams multiplexed onto one, through the same hub.
 */
export const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const stream = eventStreamer(app);

  app.get('/v1/jobs/:id/events', { config: { queryToken: true }, schema: jobStreamSchema }, async (request, reply) => {
    const { id } = request.params;
    const after = parseLastEventId(request.headers['last-event-id'] ?? request.query.last_event_id);
    if (!(await app.jobs.status(request.tenant, id))) throw jobNotFound(id);
    await stream(request, reply, [jobSource(app, request.tenant, id, after, false)]);
  });

  app.get('/v1/events', { config: { queryToken: true }, schema: multiplexedSchema }, async (request, reply) => {
    const jobs = listedJobs(request.query.jobs);
    const resume = parseResume(request.query.after ?? request.headers['last-event-id'] ?? '', jobs);
    const statuses = await app.jobs.statuses(request.tenant, jobs);
    const unknown = jobs.find((_, i) => !statuses[i]);
    if (unknown !== undefined) throw jobNotFound(unknown);
    const sources = jobs.map((jobId) => jobSource(app, request.tenant, jobId, resume.get(jobId) ?? '0-0'));
    await stream(request, reply, sources);
  });
};
