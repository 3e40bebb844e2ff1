import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ApiConfig } from './config.js';
import { registerErrorHandling } from './errors.js';
import { jsonTooDeep, tooDeep } from './json-depth.js';
import { clientErrorHandler, frameworkErrors, withRedaction } from './http-safety.js';
import { services } from './plugins/services.js';
import { metrics } from './plugins/metrics.js';
import { auth } from './plugins/auth.js';
import { rateLimit } from './plugins/rate-limit.js';
import { healthRoutes } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { eventRoutes } from './routes/events.js';
import { eventSchemaComponents } from './sse-docs.js';
import { datasetRoutes } from './routes/datasets.js';
import { modelCache } from './model-cache.js';
import { modelRoutes } from './routes/models.js';
import { sweepRoutes } from './routes/sweeps.js';
import { summaryRoutes } from './routes/summary.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { adminBoard } from './plugins/admin.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export interface BuildOptions {
  config: ApiConfig;
  logger?: FastifyServerOptions['logger'];
}

/** Builds the api (plugins, routes, docs) without listening: tests inject, server.ts listens. */
export async function buildApp({ config, logger = false }: BuildOptions): Promise<FastifyInstance> {
  const app = createServer(config, logger);
  registerErrorHandling(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(swagger, { openapi: openapiDocument() });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(services, { config });
  await app.register(auth);
  await app.register(rateLimit);
  await app.register(metrics);
  await app.register(healthRoutes);
  await app.register(jobRoutes);
  await app.register(eventRoutes);
  await app.register(datasetRoutes);
  await app.register(modelCache);
  await app.register(modelRoutes);
  await app.register(sweepRoutes);
  await app.register(summaryRoutes);
  await app.register(dashboardRoutes);
  await app.register(adminBoard);
  return app;
}

/** Fastify with our limits, request ids, strict TypeBox validation and a depth-capped JSON parser. */
function createServer(config: ApiConfig, logger: BuildOptions['logger']) {
  const app = Fastify({
    logger: withRedaction(logger),
    // A path parameter longer than any id is refused as a coded 414, not Fastify's bare one.
    frameworkErrors,
    // Requests Node's HTTP parser refuses (431 headers too large, 408, malformed) get the envelope too.
    clientErrorHandler,
    bodyLimit: config.maxBodyBytes,
    // A caller's (or proxy's) X-Request-Id is kept when it is a plain token, so one id follows a
    // request through every log line; otherwise we make one. Either way it is sent back.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given)
        ? given
        : `req_${randomBytes(6).toString('base64url')}`;
    },
    ajv: { customOptions: { coerceTypes: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // TypeBox checks bodies strictly (no type coercion: "32" is not a number) and converts only
  // params, querystrings and headers.
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  // JSON only: anything else is a 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain');
  // Fastify's own JSON parser (prototype-poisoning checks and all), behind a depth cap checked on
  // the raw text: a body nested 10,000 deep parses fine but overflows the stack of whatever walks it.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonTooDeep(body as string, config.maxJsonDepth))
      return done(tooDeep('The request body', config.maxJsonDepth), undefined);
    void parseJson(request, body as string, done);
  });
  return app;
}

/** The OpenAPI document's head: info, tags, the SSE event schemas and the security schemes. */
function openapiDocument(): FastifyDynamicSwaggerOptions['openapi'] {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Trainyard',
      version: '0.1.0',
      description: 'Training as a service: post a Keras model and a dataset, watch it train over server-sent events.',
    },
    tags: [
      { name: 'jobs', description: 'Training jobs and their live events' },
      { name: 'datasets', description: 'Uploaded datasets (JSON, CSV, NPY, IDX or a URL) and the built-ins' },
      { name: 'models', description: "A succeeded job's trained model (TensorFlow.js) and predictions from it" },
      {
        name: 'sweeps',
        description: 'Hyperparameter sweeps: grid or random search, one training job per trial, ranked by a metric',
      },
      { name: 'operations', description: 'Probes and documentation' },
    ],
    servers: [{ url: '/', description: 'This api' }],
    components: {
      // The SSE event payloads: routes' text/event-stream answers refer to them (sse-docs.ts).
      schemas: eventSchemaComponents(),
      securitySchemes: {
        // Enforced only when TRAINYARD_API_KEYS is set; plugins/auth.ts puts them on each /v1 operation.
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key from TRAINYARD_API_KEYS: `Authorization: Bearer <key>`',
        },
        accessToken: {
          type: 'apiKey',
          in: 'query',
          name: 'access_token',
          description: 'The API key in the query, on SSE routes only (a browser EventSource cannot set headers)',
        },
      },
    },
  };
}
