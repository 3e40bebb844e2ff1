import type { ApiErrorCode } from '@trainyard/contracts';

/**
 * An error answer from the api, with its catalogue code (`JOB_NOT_FOUND`, `SPEC_UNKNOWN_LAYER`, …),
 * or a client-side failure: status 0 with `UNREACHABLE` (no answer) or `STREAM_DISCONNECTED`.
 */
export class TrainyardError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode | 'UNREACHABLE' | 'STREAM_DISCONNECTED' | 'HTTP_ERROR' | (string & {}),
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(`${code}: ${message}`);
    this.name = 'TrainyardError';
  }
}

/** The TrainyardError an error answer stands for: its envelope when it has one, else the HTTP status. */
export function errorFromBody(status: number, statusText: string, body: unknown): TrainyardError {
  let payload = body;
  if (typeof body === 'string') {
    try {
      payload = JSON.parse(body);
    } catch {
      payload = undefined;
    }
  }
  const e = (payload as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (e && typeof e.code === 'string') {
    return new TrainyardError(
      status,
      e.code,
      typeof e.message === 'string' ? e.message : statusText,
      (e.details as Record<string, unknown>) ?? {},
    );
  }
  const text = typeof body === 'string' && body.trim() ? `: ${body.trim().slice(0, 200)}` : '';
  return new TrainyardError(status, 'HTTP_ERROR', `HTTP ${status} ${statusText}${text}`);
}
