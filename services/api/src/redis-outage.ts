import { MaxRetriesPerRequestError } from 'ioredis/built/errors/index.js';
import { CONNECTION_CLOSED_ERROR_MSG } from 'ioredis/built/utils/index.js';

/**
 * True when an error says Redis cannot be reached, by ioredis's own signs: a command that used
 * up its reconnect attempts (MaxRetriesPerRequestError), one sent on a connection that has ended
 * (ioredis rejects it with a plain Error of its CONNECTION_CLOSED_ERROR_MSG, which BullMQ's
 * ConnectionClosedError repeats), or a refused TCP connect (code ECONNREFUSED).
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (err instanceof MaxRetriesPerRequestError) return true;
  if (!(err instanceof Error)) return false;
  return err.message === CONNECTION_CLOSED_ERROR_MSG || (err as NodeJS.ErrnoException).code === 'ECONNREFUSED';
}
