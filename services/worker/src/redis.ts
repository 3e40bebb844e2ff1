import { Redis } from 'ioredis';

/**
 * A connection for the training thread. Its failures reach the caller as rejected commands
 * (after `maxRetriesPerRequest` reconnects), so connection errors between those need no handler
 * of their own; without one, ioredis prints every failed reconnect of an outage to stderr.
 */
export function threadRedis(url: string, connectionName: string, maxRetriesPerRequest = 20): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest, connectionName });
  redis.on('error', () => undefined);
  return redis;
}
