import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ErrorEnvelope, JOB_STATUSES } from '@trainyard/contracts';
import { ApiError } from '../errors.js';
import { LagHistogram } from '../event-hub.js';

// Prometheus text exposition (version 0.0.4), written by hand: a few gauges and counters do not
// need a client library.
const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labels = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${escape(v)}"`)
    .join(',')}}`;

function family(
  name: string,
  type: 'gauge' | 'counter',
  help: string,
  samples: [Record<string, string>, number][],
): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const [l, v] of samples) lines.push(`${name}${Object.keys(l).length ? labels(l) : ''} ${v}`);
  return `${lines.join('\n')}\n`;
}

function histogram(name: string, help: string, h: LagHistogram): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
  LagHistogram.BOUNDS.forEach((b, i) => lines.push(`${name}_bucket{le="${b}"} ${h.buckets[i]}`));
  lines.push(`${name}_bucket{le="+Inf"} ${h.count}`, `${name}_sum ${h.sum}`, `${name}_count ${h.count}`);
  return `${lines.join('\n')}\n`;
}

const digest = (v: string) => createHash('sha256').update(v).digest();

/** True when `authorization` is `Bearer <token>`, compared in constant time (over digests, so the length does not leak either). */
function checkToken(token: string, authorization: string | undefined): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

interface RequestCount {
  method: string;
  route: string;
  status: string;
  count: number;
}

const METRICS_SCHEMA = {
  operationId: 'metrics',
  summary: 'Prometheus metrics',
  description:
    'Prometheus text format: trainyard_jobs (by status), trainyard_queue_jobs (waiting, active, delayed), ' +
    'trainyard_training_samples_per_second, trainyard_event_lag_seconds (histogram), trainyard_sse_clients, trainyard_sse_events_total and trainyard_http_requests_total (by method, route and status). ' +
    'When the service sets TRAINYARD_METRICS_TOKEN, send it as `Authorization: Bearer <token>` (else 401).',
  tags: ['operations'],
  produces: ['text/plain'],
  response: {
    401: {
      description: 'TRAINYARD_METRICS_TOKEN is set and the request does not carry it (UNAUTHENTICATED)',
      content: { 'application/json': { schema: ErrorEnvelope } },
    },
    200: {
      description: 'Prometheus text exposition format 0.0.4',
      content: {
        'text/plain': {
          schema: { type: 'string' },
          example:
            '# HELP trainyard_jobs Jobs known to the service, by status.\n# TYPE trainyard_jobs gauge\ntrainyard_jobs{status="running"} 1\n',
        },
      },
    },
  },
};

/** The exposition text: job and queue gauges, throughput, event lag, SSE counters and per-route requests. */
async function render(app: FastifyInstance, requests: Iterable<RequestCount>): Promise<string> {
  const [byStatus, counts, rate] = await Promise.all([
    app.jobs.countByStatus(),
    app.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
    app.jobs.trainingRate(),
  ]);
  const lag = app.hub.lag;
  return [
    family(
      'trainyard_jobs',
      'gauge',
      'Jobs known to the service, by status.',
      JOB_STATUSES.map((s) => [{ status: s }, byStatus[s]]),
    ),
    family('trainyard_queue_jobs', 'gauge', 'Jobs in the BullMQ training queue, by state.', [
      [{ state: 'waiting' }, (counts.waiting ?? 0) + (counts.prioritized ?? 0)],
      [{ state: 'active' }, counts.active ?? 0],
      [{ state: 'delayed' }, counts.delayed ?? 0],
    ]),
    family(
      'trainyard_training_samples_per_second',
      'gauge',
      "Training throughput: every running job's last epoch, in samples per second, summed.",
      [[{}, rate]],
    ),
    histogram(
      'trainyard_event_lag_seconds',
      'From an event written by a worker to this api process reading it for its SSE clients.',
      lag,
    ),
    family('trainyard_sse_clients', 'gauge', 'SSE clients connected to this api process.', [[{}, app.hub.subscribers]]),
    family('trainyard_sse_events_total', 'counter', 'Events written to SSE clients by this api process.', [
      [{}, app.hub.delivered],
    ]),
    family(
      'trainyard_http_requests_total',
      'counter',
      'HTTP requests answered by this api process, by method, route and status.',
      [...requests].map((r) => [{ method: r.method, route: r.route, status: r.status }, r.count]),
    ),
  ].join('');
}

/** `GET /metrics` in Prometheus format, and the per-route request counter behind it. */
export const metrics = fp(
  async (app) => {
    const token = app.config.metricsToken;
    const requests = new Map<string, RequestCount>();
    app.addHook('onResponse', async (request, reply) => {
      // The route pattern, not the URL: ids must not explode the label set.
      const route = request.routeOptions.url ?? 'unmatched';
      const key = `${request.method} ${route} ${reply.statusCode}`;
      const entry = requests.get(key);
      if (entry) entry.count++;
      else requests.set(key, { method: request.method, route, status: String(reply.statusCode), count: 1 });
    });

    app.get(
      '/metrics',
      {
        schema: METRICS_SCHEMA,
        ...(token && {
          onRequest: async (request, reply) => {
            if (checkToken(token, request.headers.authorization)) return;
            reply.header('www-authenticate', 'Bearer');
            throw new ApiError(
              'UNAUTHENTICATED',
              '/metrics needs "Authorization: Bearer <TRAINYARD_METRICS_TOKEN>"',
              {},
            );
          },
        }),
      },
      async (_request, reply) =>
        reply.type('text/plain; version=0.0.4; charset=utf-8').send(await render(app, requests.values())),
    );
  },
  { name: 'trainyard-metrics', dependencies: ['trainyard-services'] },
);
