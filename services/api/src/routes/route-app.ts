import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** The app as a route plugin receives it (TypeBox types), for the functions that register one route each. */
export type RouteApp = Parameters<FastifyPluginAsyncTypebox>[0];
