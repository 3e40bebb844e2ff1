import { DEFAULT_PREFIX } from '@trainyard/contracts';

/** Everything the worker reads from its environment, parsed once. Nothing else reads process.env. */
export interface WorkerConfig {
  /** REDIS_URL: the Redis shared with the api. */
  redisUrl: string;
  /** TRAINYARD_PREFIX: Redis key prefix, the same as the api's. */
  prefix: string;
  /** WORKER_CONCURRENCY: jobs trained at once by this process, each in its own thread (1). */
  concurrency: number;
  /** FASHION_MNIST_DIR: folder with the four Fashion-MNIST IDX .gz files (Debian's dataset-fashion-mnist). */
  fashionMnistDir: string;
  /** LOG_LEVEL: pino level (info). */
  logLevel: string;
  /** SHUTDOWN_GRACE_MS: how long SIGTERM waits for the running job before the process exits (30 s). */
  shutdownGraceMs: number;
  /** WORKER_NAME: how this worker names itself in events (host:pid). */
  name: string;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

/** Reads the worker configuration; throws on a malformed variable so a bad deploy fails at boot. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return {
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    prefix: env.TRAINYARD_PREFIX || DEFAULT_PREFIX,
    concurrency: int(env, 'WORKER_CONCURRENCY', 1, 1),
    fashionMnistDir: env.FASHION_MNIST_DIR || '/usr/share/datasets/fashion-mnist',
    logLevel: env.LOG_LEVEL || 'info',
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 30_000),
    name: env.WORKER_NAME || `${env.HOSTNAME || 'worker'}:${process.pid}`,
  };
}
