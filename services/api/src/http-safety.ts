import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { LOG_REDACT_PATHS, REDACTED, redactUrl } from '@trainyard/contracts';

type LoggerOption = FastifyServerOptions['logger'];

// Node's parser caps a real request line at 16 KiB, but injected requests have no cap; a log line
// needs no more than the start of a URL either way. Cut after redaction, so no cut hides a key.
const MAX_LOGGED_URL = 2048;
const clip = (url: string) =>
  url.length > MAX_LOGGED_URL ? `${url.slice(0, MAX_LOGGED_URL)}…(${url.length - MAX_LOGGED_URL} more)` : url;

/**
 * Logger options with secrets kept out: pino `redact` over key-like fields and headers, and the
 * request line's URL with `?access_token=` (and any other key-like parameter) scrubbed, since
 * Fastify's default request serializer writes the whole URL. `false` stays off.
 */
export function withRedaction(logger: LoggerOption): LoggerOption {
  if (!logger) return logger;
  const options = logger === true ? {} : (logger as Record<string, unknown>);
  return {
    level: 'info',
    ...options,
    redact: { paths: LOG_REDACT_PATHS, censor: REDACTED },
    serializers: {
      ...(options.serializers as Record<string, unknown> | undefined),
      req: (req: FastifyRequest) => ({
        method: req.method,
        url: clip(redactUrl(req.url)),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
  } as LoggerOption;
}

function envelope(code: string, message: string) {
  return { error: { code, message, details: {} } };
}

/** Fastify's router refusals (a path parameter past maxParamLength, a malformed URL) in the envelope. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', request.id);
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply
      .status(414)
      .send(envelope('URI_TOO_LONG', 'A path segment is longer than any id this api gives out (100 characters)'));
  } else if (error.code === 'FST_ERR_BAD_URL') {
    void reply.status(400).send(envelope('INVALID_URL', 'The URL is not valid (a malformed percent-encoding?)'));
  } else {
    request.log.error({ err: error }, 'router error');
    void reply.status(500).send(envelope('INTERNAL', 'Internal error'));
  }
}

// Node's HTTP parser failures, before any request exists: what to answer for each.
const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'HEADERS_TOO_LARGE',
    `The request line and headers are larger than this server accepts (${maxHeaderSize} bytes)`,
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT', 'The request was not received in time'],
};

/**
 * Answers a request Node's HTTP parser refused with the JSON envelope on the raw socket (there is
 * no Fastify request to reply through yet), then closes the connection as Node does.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = CLIENT_ERRORS[err.code ?? ''] ?? [
    400,
    'BAD_REQUEST',
    'The HTTP request is malformed',
  ];
  const body = JSON.stringify(envelope(code, message));
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      () => socket.destroy(),
    );
  } else {
    socket.destroy(err);
  }
}
