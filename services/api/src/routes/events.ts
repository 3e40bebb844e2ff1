import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorEnvelope, JobId, TERMINAL_STATUSES, isTerminalEvent, keys } from '@trainyard/contracts';
import { ApiError } from '../errors.js';
import { compareIds, type StreamEntry } from '../event-hub.js';

const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

/** Formats one SSE message; `data` is JSON on one line, so no field splitting is needed. */
function sseMessage(e: StreamEntry): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${e.data}\n\n`;
}

/** `GET /v1/jobs/:id/events`: the job's event stream as server-sent events, resumable by Last-Event-ID. */
export const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Open streams end when the server closes; clients reconnect (to any instance) with Last-Event-ID.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const finish of [...open]) finish();
  });

  app.get(
    '/v1/jobs/:id/events',
    {
      schema: {
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
        querystring: Type.Object({ last_event_id: Type.Optional(Type.String({ maxLength: 64 })) }),
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 64 })) }),
        produces: ['text/event-stream'],
        response: {
          200: {
            description: 'An event stream',
            content: {
              'text/event-stream': {
                schema: Type.String({
                  examples: ['id: 1732700000000-0\nevent: epoch\ndata: {"type":"epoch","epoch":1,"epochs":5,"logs":{"loss":0.41,"accuracy":0.86}}\n\n'],
                }),
              },
            },
          },
          400: ErrorEnvelope,
          404: ErrorEnvelope,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const lastId = request.headers['last-event-id'] ?? request.query.last_event_id ?? '0-0';
      if (!STREAM_ID.test(lastId)) {
        throw new ApiError('INVALID_LAST_EVENT_ID', `Last-Event-ID must be a stream id like 1732700000000-0, got "${lastId}"`, { path: 'last-event-id' });
      }
      const status = await app.jobs.status(id);
      if (!status) throw new ApiError('JOB_NOT_FOUND', `No job ${id}`, { id });

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
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
      if ((TERMINAL_STATUSES as readonly string[]).includes((await app.jobs.status(id)) ?? '')) {
        const [newest] = await app.redis.xrevrange(key, '+', '-', 'COUNT', 1);
        if (!newest || compareIds(newest[0], lastSent) <= 0) finish();
      }
    },
  );
};
