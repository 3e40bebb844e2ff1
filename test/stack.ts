import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp, loadConfig as loadApiConfig, type ApiConfig } from '../services/api/src/index.js';
import { createTrainWorker, loadConfig as loadWorkerConfig, type TrainWorker, type WorkerConfig } from '../services/worker/src/index.js';

export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** A unique key prefix per test, with a hash tag as in production. */
export function testPrefix(): string {
  return `{ty-test-${randomBytes(6).toString('hex')}}`;
}

/** Deletes every key under a prefix. */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (found.length) await redis.del(...found);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface Stack {
  app: FastifyInstance;
  url: string;
  prefix: string;
  workers: TrainWorker[];
  apiConfig: ApiConfig;
  /** Starts another worker process-equivalent on the same queue. */
  addWorker(overrides?: Partial<WorkerConfig>): TrainWorker;
  close(): Promise<void>;
}

/** The real service for a test: the api listening on a free port and N workers, on real Redis. */
export async function startStack(opts: { workers?: number; api?: Partial<ApiConfig>; worker?: Partial<WorkerConfig> } = {}): Promise<Stack> {
  const prefix = testPrefix();
  const apiConfig = { ...loadApiConfig({ REDIS_URL }), prefix, ...opts.api };
  const app = await buildApp({ config: apiConfig });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const log = pino({ level: process.env.TEST_LOG_LEVEL || 'silent' });
  const workers: TrainWorker[] = [];
  const addWorker = (overrides: Partial<WorkerConfig> = {}) => {
    const w = createTrainWorker({ ...loadWorkerConfig({ REDIS_URL }), prefix, ...opts.worker, ...overrides }, log);
    workers.push(w);
    return w;
  };
  for (let i = 0; i < (opts.workers ?? 1); i++) addWorker();
  return {
    app,
    url,
    prefix,
    workers,
    apiConfig,
    addWorker,
    async close() {
      await Promise.all(workers.map((w) => w.close(5000)));
      await app.close();
      await dropPrefix(prefix);
    },
  };
}

/** POSTs JSON and returns status and parsed body. */
export async function postJson(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** GETs JSON. */
export async function getJson(url: string): Promise<any> {
  return (await fetch(url)).json();
}
