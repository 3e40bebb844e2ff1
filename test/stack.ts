import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp, loadConfig as loadApiConfig, type ApiConfig } from '../services/api/src/index.js';
import { REDIS_URL, dropPrefix } from '../services/api/src/test-utils/app.js';
import { TEST_LOG_LEVEL, testLogStream } from '../services/api/src/test-utils/logs.js';
import { LOG_REDACT_PATHS, REDACTED } from '../packages/contracts/src/index.js';
import {
  createTrainWorker,
  loadConfig as loadWorkerConfig,
  type TrainWorker,
  type WorkerConfig,
} from '../services/worker/src/index.js';

export { REDIS_URL };

/** A unique key prefix per test, with a hash tag as in production. */
export function testPrefix(): string {
  return `{ty-test-${randomBytes(6).toString('hex')}}`;
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
export async function startStack(
  opts: { workers?: number; prefix?: string; api?: Partial<ApiConfig>; worker?: Partial<WorkerConfig> } = {},
): Promise<Stack> {
  const prefix = opts.prefix ?? testPrefix();
  const apiConfig = { ...loadApiConfig({ REDIS_URL }), prefix, ...opts.api };
  const app = await buildApp({ config: apiConfig, logger: { level: TEST_LOG_LEVEL, stream: testLogStream() } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const log = pino(
    { level: TEST_LOG_LEVEL, base: { service: 'worker' }, redact: { paths: LOG_REDACT_PATHS, censor: REDACTED } },
    testLogStream(),
  );
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
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** GETs JSON. */
export async function getJson(url: string): Promise<any> {
  return (await fetch(url)).json();
}

/**
 * The BullMQ job once its worker let go of it: the processor returns after the job's thread has
 * exited, a moment after the thread wrote the terminal event that a test saw.
 */
export async function settledJob(stack: Stack, id: string, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const job = await stack.app.queue.getJob(id);
    // Read again once it has moved on: the job read before the state may predate the move.
    if (!job || (await job.getState()) !== 'active' || Date.now() > end) return stack.app.queue.getJob(id);
    await new Promise((r) => setTimeout(r, 20));
  }
}
