import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AccessToken, ErrorEnvelope, JobId, TERMINAL_STATUSES, isTerminalEvent, keys } from '@trainyard/contracts';
import { ApiError } from '../errors.js';
import { compareIds, type StreamEntry } from '../event-hub.js';

const STREAM_ID = /^\d{1,20}-\d{1,20}$/;
const JOB_ID = /^job_[A-Za-z0-9_-]{1,64}$/;

/** Most jobs one multiplexed stream (`GET /v1/events?jobs=`) may carry. */
export const MAX_STREAM_JOBS = 50;

/** One message of a multiplexed stream: the id is `<source id>/<stream-id>`, the data gains e.g. `job_id`. */
function sseTaggedMessage(field: string, sourceId: string, e: StreamEntry): string {
  // Events are JSON objects on one line, and ids are plain tokens: the tag is spliced in before the
  // closing brace rather than parsed and re-serialised for every client (that was the multiplexed
  // stream's largest cost). A later duplicate key wins in JSON.parse, so the tag is always right.
  const tag = `"${field}":${JSON.stringify(sourceId)}}`;
  const data =
    e.data.startsWith('{') && e.data.endsWith('}')
      ? `${e.data.slice(0, -1)}${e.data.length > 2 ? ',' : ''}${tag}`
      : `{${tag}`;
  return `id: ${sourceId}/${e.id}\nevent: ${e.type}\ndata: ${data}\n\n`;
}

/** Parses a resume cursor `job_a/1732700000000-0,job_b/1732700000001-3` into source id → stream id (ids must be among `jobs`). */
export function parseResume(raw: string, jobs: readonly string[]): Map<string, string> {
  const after = new Map<string, string>();
  for (const part of raw.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const slash = item.lastIndexOf('/');
    const jobId = item.slice(0, slash);
    const streamId = item.slice(slash + 1);
    if (slash < 0 || !STREAM_ID.test(streamId) || !jobs.includes(jobId)) {
      throw new ApiError(
        'INVALID_LAST_EVENT_ID',
        `Resume position must be <job_id>/<stream-id> pairs for jobs in this stream, e.g. job_a/1732700000000-0; got "${item}"`,
        { path: 'after', value: item },
      );
    }
    const prev = after.get(jobId);
    if (!prev || compareIds(streamId, prev) > 0) after.set(jobId, streamId);
  }
  return after;
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/** Formats one SSE message; `data` is JSON on one line, so no field splitting is needed. */
function sseMessage(e: StreamEntry): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${e.data}\n\n`;
}

/** One Redis event stream of a multiplexed SSE response. */
export interface MuxSource {
  /** Tags its messages: the SSE id is `<id>/<stream-id>` and the data gains `[field]: id`. */
  id: string;
  field: 'job_id' | 'sweep_id';
  key: string;
  /** Replay after this stream id ('0-0': from the start). */
  after: string;
  /** Whether the source has ended, so a client that already had its last event is not kept waiting. */
  ended: () => Promise<boolean>;
  /** The event after which the source sends nothing more (default: a job's terminal events). */
  terminal?: (e: StreamEntry) => boolean;
}

/** A job's event stream as a multiplexed source. */
export function jobSource(app: FastifyInstance, tenant: string, jobId: string, after = '0-0'): MuxSource {
  return {
    id: jobId,
    field: 'job_id',
    key: keys.events(app.config.prefix, jobId),
    after,
    ended: async () => (TERMINAL_STATUSES as readonly string[]).includes((await app.jobs.status(tenant, jobId)) ?? ''),
  };
}

/**
 * Sends several event streams as one SSE response (the reply is hijacked): each is replayed after
 * its resume point, then live, through the process's one hub; the response ends once every source
 * has sent its last event. `open` collects the streams to end when the server closes.
 */
export async function streamMultiplexed(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  sources: MuxSource[],
  open: Set<() => void>,
): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, SSE_HEADERS);
  res.write('retry: 2000\n\n');

  let closed = false;
  const unsubscribes: (() => void)[] = [];
  const pending = new Set(sources.map((s) => s.id));
  const heartbeat = setInterval(() => res.write(': ping\n\n'), app.config.sseHeartbeatMs);
  const finish = () => {
    if (closed) return;
    closed = true;
    open.delete(finish);
    clearInterval(heartbeat);
    for (const u of unsubscribes) u();
    res.end();
  };
  open.add(finish);
  request.raw.on('close', finish);

  const lastSent = new Map<string, string>();
  const done = (id: string) => {
    pending.delete(id);
    if (pending.size === 0) finish();
  };
  try {
    for (const source of sources) {
      if (closed) break;
      lastSent.set(source.id, source.after);
      const terminal = source.terminal ?? isTerminalEvent;
      const deliver = (e: StreamEntry) => {
        if (closed || !pending.has(source.id)) return;
        lastSent.set(source.id, e.id);
        res.write(sseTaggedMessage(source.field, source.id, e));
        if (terminal(e)) done(source.id);
      };
      // Subscribing replays the source after its resume point before going live, so nothing falls between.
      const unsubscribe = await app.hub.subscribe(source.key, source.after, deliver);
      if (closed) unsubscribe();
      else unsubscribes.push(unsubscribe);
    }
    // A finished source whose last event this client already had: nothing more will come from it.
    for (const source of sources) {
      if (closed || !pending.has(source.id) || !(await source.ended())) continue;
      const [newest] = await app.redis.xrevrange(source.key, '+', '-', 'COUNT', 1);
      if (pending.has(source.id) && (!newest || compareIds(newest[0], lastSent.get(source.id) ?? '0-0') <= 0))
        done(source.id);
    }
  } catch (err) {
    request.log.error({ err, sources: sources.map((s) => s.id) }, 'multiplexed event stream failed');
    finish();
  }
}

/**
 * `GET /v1/jobs/:id/events`: the job's event stream as server-sent events, resumable by Last-Event-ID.
 * `GET /v1/events?jobs=a,b`: several jobs' streams multiplexed onto one, through the same hub.
 */
export const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Open streams end when the server closes; clients reconnect (to any instance) with Last-Event-ID.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const finish of [...open]) finish();
  });

  app.get(
    '/v1/jobs/:id/events',
    {
      config: { queryToken: true },
      schema: {
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
          200: {
            description: 'An event stream',
            content: {
              'text/event-stream': {
                schema: Type.String({
                  examples: [
                    'id: 1732700000000-0\nevent: epoch\ndata: {"type":"epoch","epoch":1,"epochs":5,"logs":{"loss":0.41,"accuracy":0.86}}\n\n',
                  ],
                }),
              },
            },
          },
          400: ErrorEnvelope,
          401: ErrorEnvelope,
          404: ErrorEnvelope,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const lastId = request.headers['last-event-id'] ?? request.query.last_event_id ?? '0-0';
      if (!STREAM_ID.test(lastId)) {
        throw new ApiError(
          'INVALID_LAST_EVENT_ID',
          `Last-Event-ID must be a stream id like 1732700000000-0, got "${lastId}"`,
          { path: 'last-event-id' },
        );
      }
      const status = await app.jobs.status(request.tenant, id);
      if (!status) throw new ApiError('JOB_NOT_FOUND', `No job ${id}`, { id });

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, SSE_HEADERS);
      res.write('retry: 2000\n\n');

      let closed = false;
      let unsubscribe: (() => void) | null = null;
      const heartbeat = setInterval(() => res.write(': ping\n\n'), app.config.sseHeartbeatMs);
      const finish = () => {
        if (closed) return;
        closed = true;
        open.delete(finish);
        clearInterval(heartbeat);
        unsubscribe?.();
        res.end();
      };
      open.add(finish);
      request.raw.on('close', finish);

      let lastSent = lastId;
      const deliver = (e: StreamEntry) => {
        if (closed) return;
        lastSent = e.id;
        res.write(sseMessage(e));
        if (isTerminalEvent(e)) finish();
      };
      const key = keys.events(app.config.prefix, id);
      try {
        // Subscribing replays everything after lastId before going live, so nothing falls between.
        unsubscribe = await app.hub.subscribe(key, lastId, deliver);
      } catch (err) {
        request.log.error({ err, jobId: id }, 'event stream failed');
        finish();
        return;
      }
      if (closed) {
        unsubscribe();
        return;
      }
      // A finished job whose terminal event this client already had: nothing more will come.
      if ((TERMINAL_STATUSES as readonly string[]).includes((await app.jobs.status(request.tenant, id)) ?? '')) {
        const [newest] = await app.redis.xrevrange(key, '+', '-', 'COUNT', 1);
        if (!newest || compareIds(newest[0], lastSent) <= 0) finish();
      }
    },
  );

  app.get(
    '/v1/events',
    {
      config: { queryToken: true },
      schema: {
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
        // The 200 names its own media type; errors are the JSON envelope, so no route-wide `produces`.
        response: {
          200: {
            description: 'An event stream',
            content: {
              'text/event-stream': {
                schema: Type.String({
                  examples: [
                    'id: job_a/1732700000000-0\nevent: epoch\ndata: {"type":"epoch","epoch":1,"epochs":5,"logs":{"loss":0.41},"job_id":"job_a"}\n\n',
                  ],
                }),
              },
            },
          },
          400: ErrorEnvelope,
          401: ErrorEnvelope,
          404: ErrorEnvelope,
        },
      },
    },
    async (request, reply) => {
      const listed = request.query.jobs.split(',').map((j) => j.trim());
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
          {
            path: 'jobs',
            limit: MAX_STREAM_JOBS,
          },
        );
      }
      const malformed = jobs.find((j) => !JOB_ID.test(j));
      if (malformed !== undefined) {
        throw new ApiError('VALIDATION_FAILED', `querystring/jobs has a malformed job id "${malformed.slice(0, 80)}"`, {
          path: 'jobs',
          id: malformed.slice(0, 80),
        });
      }
      const resume = parseResume(request.query.after ?? request.headers['last-event-id'] ?? '', jobs);
      const statuses = await app.jobs.statuses(request.tenant, jobs);
      const unknown = jobs.find((_, i) => !statuses[i]);
      if (unknown !== undefined) throw new ApiError('JOB_NOT_FOUND', `No job ${unknown}`, { id: unknown });
      const sources = jobs.map((jobId) => jobSource(app, request.tenant, jobId, resume.get(jobId) ?? '0-0'));
      await streamMultiplexed(app, request, reply, sources, open);
    },
  );
};
