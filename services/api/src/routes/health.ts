import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';

const READY_TIMEOUT_MS = 2000;

/** Rejects when `p` takes longer than `ms`: a probe must answer even when Redis hangs. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Liveness (the process answers) and readiness (Redis answers and the queue is usable). */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'healthz',
        summary: 'Liveness probe',
        description: 'Answers 200 while the process is up; checks nothing else.',
        tags: ['operations'],
        response: { 200: Type.Object({ status: Type.Literal('ok') }, { examples: [{ status: 'ok' }] }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'readyz',
        summary: 'Readiness probe',
        description:
          'Answers 200 when Redis answers and the training queue can be read; 503 with the reason otherwise, so a load balancer stops sending traffic.',
        tags: ['operations'],
        response: {
          200: Type.Object({ status: Type.Literal('ready') }, { examples: [{ status: 'ready' }] }),
          503: Type.Object(
            { status: Type.Literal('unavailable'), reason: Type.String() },
            { examples: [{ status: 'unavailable', reason: 'redis: connect ECONNREFUSED 127.0.0.1:6379' }] },
          ),
        },
      },
    },
    async (_request, reply) => {
      try {
        await within(app.redis.ping(), READY_TIMEOUT_MS, 'redis');
      } catch (err) {
        return reply.status(503).send({ status: 'unavailable' as const, reason: `redis: ${(err as Error).message}` });
      }
      try {
        await within(app.queue.getJobCounts('waiting'), READY_TIMEOUT_MS, 'queue');
        if (await app.queue.isPaused())
          return reply.status(503).send({ status: 'unavailable' as const, reason: 'queue: paused' });
      } catch (err) {
        return reply.status(503).send({ status: 'unavailable' as const, reason: `queue: ${(err as Error).message}` });
      }
      return { status: 'ready' as const };
    },
  );
};
