import fp from 'fastify-plugin';
import { DEFAULT_TENANT, ErrorEnvelope } from '@trainyard/contracts';
import { hashApiKey } from '../config.js';
import { ApiError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant the request acts for: its API key's, or "default" in open mode. */
    tenant: string;
  }
  interface FastifyContextConfig {
    /** The route also takes the API key as `?access_token=` (SSE: a browser EventSource cannot set headers). */
    queryToken?: boolean;
  }
}

/** The key a request carries: `Authorization: Bearer <key>`, else `?access_token=` where the route allows it. */
function presentedKey(authorization: string | undefined, query: unknown, queryToken: boolean): string | undefined {
  if (authorization !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m)
      throw new ApiError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <API key>"', {
        header: 'authorization',
      });
    return m[1];
  }
  if (!queryToken) return undefined;
  const token = (query as { access_token?: unknown } | undefined)?.access_token;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/**
 * Maps every /v1 request to a tenant. With API keys configured, a request without a valid key is
 * a 401 and nothing else runs; without them the api is in open single-tenant mode and every
 * request acts for "default". Probes, metrics and docs stay open (they hold no tenant's data).
 */
export const auth = fp(
  async (app) => {
    const keys = app.config.apiKeys;
    app.decorateRequest('tenant', DEFAULT_TENANT);
    // The docs say the same whichever mode runs: every /v1 operation takes a key and may answer 401.
    app.addHook('onRoute', (route) => {
      const schema = route.schema as { security?: unknown; response?: Record<string, unknown> } | undefined;
      if (!schema || schema.security !== undefined) return;
      if (!route.url.startsWith('/v1/')) {
        schema.security = [];
        return;
      }
      schema.security = route.config?.queryToken ? [{ apiKey: [] }, { accessToken: [] }] : [{ apiKey: [] }];
      if (schema.response && !('401' in schema.response)) schema.response['401'] = ErrorEnvelope;
    });
    if (!keys) return;
    app.addHook('onRequest', async (request, reply) => {
      if (!request.url.startsWith('/v1/')) return;
      const key = presentedKey(
        request.headers.authorization,
        request.query,
        request.routeOptions.config.queryToken === true,
      );
      if (key === undefined) {
        reply.header('www-authenticate', 'Bearer');
        throw new ApiError('UNAUTHENTICATED', 'An API key is required: send "Authorization: Bearer <API key>"', {});
      }
      const tenant = keys.get(hashApiKey(key));
      if (!tenant) {
        reply.header('www-authenticate', 'Bearer error="invalid_token"');
        throw new ApiError('INVALID_API_KEY', 'The API key is not valid', {});
      }
      request.tenant = tenant;
    });
  },
  { name: 'trainyard-auth', dependencies: ['trainyard-services'] },
);
