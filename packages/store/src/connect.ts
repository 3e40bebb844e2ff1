import { Redis, type RedisOptions } from 'ioredis';
import type { BlobStore } from './blob-store.js';
import { RedisBlobStore } from './redis-blob-store.js';

/** A Redis connection of its own and the blob store on it, for a thread that has no other. */
export interface BlobStoreConnection {
  /** The connection, also for whatever else its owner keeps in Redis (a training thread's job record). */
  readonly redis: Redis;
  readonly blobs: BlobStore;
  /** Quits the connection, or drops it when Redis does not answer. */
  close(): Promise<void>;
}

/**
 * Opens the connection a training or predict thread works on and the blob store on it. Its
 * failures reach the caller as rejected commands (after `maxRetriesPerRequest` reconnects), so
 * connection errors between those need no handler of their own; without one, ioredis prints
 * every failed reconnect of an outage to stderr.
 */
export function connectBlobStore(
  url: string,
  prefix: string,
  options: RedisOptions & { connectionName: string },
): BlobStoreConnection {
  const redis = new Redis(url, options);
  redis.on('error', () => undefined);
  return {
    redis,
    blobs: new RedisBlobStore(redis, prefix),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
