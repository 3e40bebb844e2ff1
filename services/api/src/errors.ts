import type { FastifyError, FastifyInstance } from 'fastify';
import { API_ERRORS, CodedError, type ApiErrorCode } from '@trainyard/contracts';
import { isRedisUnavailable } from './redis-outage.js';

/** An error of the api's catalogue (API_ERRORS): the caller's, or a known state of ours such as a 503. */
export class ApiError extends CodedError<ApiErrorCode> {
  constructor(code: ApiErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, API_ERRORS[code], details);
  }
}

// Fastify's own client errors, renamed into our catalogue.
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_BODY',
};

interface ValidationIssue {
  instancePath?: string;
  message?: string;
}

/** Turns a schema failure into one message naming the field, e.g. "body/fit/epochs must be <= 1000". */
function describeValidation(err: FastifyError): { message: string; details: Record<string, unknown> } {
  const issues = (err.validation ?? []) as ValidationIssue[];
  const part = err.validationContext ?? 'body';
  const details = {
    part,
    issues: issues.slice(0, 5).map((i) => ({ path: i.instancePath ?? '', message: i.message ?? '' })),
  };
  // A union (dataset: builtin | inline) reports each branch's missing property at one path.
  const required = new Map<string, Set<string>>();
  for (const i of issues) {
    const m = /must have required propert(?:y|ies) (.+)$/.exec(i.message ?? '');
    if (m) required.set(i.instancePath ?? '', (required.get(i.instancePath ?? '') ?? new Set()).add(m[1]));
  }
  for (const [path, names] of required) {
    if (names.size > 1)
      return { message: `${part}${path} must have one of: ${[...names].join(', ')}`, details: { ...details, path } };
  }
  // Otherwise the deepest path is the most specific complaint; at one path, a missing property
  // ({ config } without class_name) says more than the other branches' "must be string".
  const missing = (i: ValidationIssue): number => (/must have required propert/.test(i.message ?? '') ? 1 : 0);
  const first = [...issues].sort(
    (a, b) => (b.instancePath ?? '').length - (a.instancePath ?? '').length || missing(b) - missing(a),
  )[0];
  const path = first?.instancePath ?? '';
  const what = first?.message === 'schema is false' ? 'is not a known field' : (first?.message ?? 'is invalid');
  return { message: `${part}${path} ${what}`, details: { ...details, path } };
}

/** One error handler: every error leaves as `{ error: { code, message, details } }`; 5xx hide internals. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err.validation) {
      const { message, details } = describeValidation(err);
      return reply.status(400).send({ error: { code: 'VALIDATION_FAILED', message, details } });
    }
    // Any package's coded error (the engine's, the data package's, the api's) answers with its own
    // status; a 503 is a known state of ours, with a message written for the caller.
    if (err instanceof CodedError && (err.status < 500 || err.status === 503)) {
      return reply.status(err.status).send({ error: { code: err.code, message: err.message, details: err.details } });
    }
    const fastifyCode = typeof err.code === 'string' ? FASTIFY_CODES[err.code] : undefined;
    if (fastifyCode || (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)) {
      const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 400;
      return reply
        .status(status)
        .send({ error: { code: fastifyCode ?? 'BAD_REQUEST', message: err.message, details: {} } });
    }
    request.log.error({ err }, 'unhandled error');
    const hidden = isRedisUnavailable(err)
      ? new ApiError('SERVICE_UNAVAILABLE', 'Redis is unreachable', { request_id: request.id })
      : new ApiError('INTERNAL', 'Internal error', { request_id: request.id });
    return reply
      .status(hidden.status)
      .send({ error: { code: hidden.code, message: hidden.message, details: hidden.details } });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}`, details: {} },
    });
  });
}
