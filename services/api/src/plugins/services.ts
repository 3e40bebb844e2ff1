import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { TRAIN_QUEUE, type TrainJobData, type TrainJobResult } from '@trainyard/contracts';
import type { ApiConfig } from '../config.js';
import { EventHub } from '../event-hub.js';
import { JobStore } from '../job-store.js';
import { RedisBlobStore, type BlobStore } from '@trainyard/store';
import { DatasetStore } from '../dataset-store.js';

export type TrainQueue = Queue<TrainJobData, TrainJobResult>;

declare module 'fastify' {
  interface FastifyInstance {
    config: ApiConfig;
    redis: Redis;
    queue: TrainQueue;
    jobs: JobStore;
    hub: EventHub;
    blobs: BlobStore;
    datasets: DatasetStore;
  }
}

/**
 * Shared services as decorators: one command connection (also BullMQ's), one blocking
 * connection for the event hub. Whatever the number of SSE clients, two connections.
 */
export const services = fp<{ config: ApiConfig }>(
  async (app, { config }) => {
    // While Redis is away a request fails within about a second (a 503), and the connections are
    // back within half a second of its return: reconnect attempts every 100–500 ms, not ioredis's
    // backoff of up to seconds, whose wait a pending request would share.
    const retryStrategy = (attempt: number) => Math.min(attempt * 100, 500);
    const redis = new Redis(config.redisUrl, {
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      retryStrategy,
      connectionName: `trainyard-api@${config.prefix}`,
    });
    const blocking = new Redis(config.redisUrl, {
      maxRetriesPerRequest: null,
      retryStrategy,
      connectionName: `trainyard-api-events@${config.prefix}`,
    });
    // Without a listener ioredis prints every failed reconnect as an "Unhandled error event"; it
    // reconnects either way, and requests meanwhile fail as 5xx.
    for (const c of [redis, blocking])
      c.on('error', (err: Error) => app.log.warn({ err: err.message }, 'redis connection error; reconnecting'));
    const queue: TrainQueue = new Queue(TRAIN_QUEUE, { connection: redis, prefix: config.prefix });
    // BullMQ re-emits the connection's errors; with no listener it console.errors them.
    queue.on('error', (err: Error) => app.log.warn({ err: err.message }, 'queue error'));
    const hub = new EventHub(redis, blocking, app.log);
    await hub.start();

    app.decorate('config', config);
    app.decorate('redis', redis);
    app.decorate('queue', queue);
    app.decorate('jobs', new JobStore(redis, config.prefix));
    app.decorate('hub', hub);
    const blobs = new RedisBlobStore(redis, config.prefix);
    app.decorate('blobs', blobs);
    app.decorate('datasets', new DatasetStore(redis, blobs, config.prefix));

    app.addHook('onClose', async () => {
      await hub.close();
      await queue.close();
      blocking.disconnect();
      await redis.quit().catch(() => redis.disconnect());
    });
  },
  { name: 'trainyard-services' },
);
