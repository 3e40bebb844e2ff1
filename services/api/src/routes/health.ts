import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';

/** Liveness: the process answers. Readiness (Redis, queue) comes with the operations work. */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness probe',
        description: 'Answers 200 while the process is up; checks nothing else.',
        tags: ['operations'],
        response: { 200: Type.Object({ status: Type.Literal('ok') }, { examples: [{ status: 'ok' }] }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
};
