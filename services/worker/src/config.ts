import { availableParallelism, totalmem } from 'node:os';
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
  /**
   * SHUTDOWN_GRACE_MS: how long SIGTERM lets the running job go on before the process exits
   * (30 s). The last part of it (a fifth, at most 5 s) is for handing an unfinished job back to
   * the queue, where another worker resumes it from its last checkpoint. Keep it below the
   * orchestrator's kill timeout.
   */
  shutdownGraceMs: number;
  /** WORKER_LOCK_DURATION_MS: BullMQ job lock; a dead worker's job is free again this long after its last renewal (30 s). */
  lockDurationMs: number;
  /** WORKER_STALLED_INTERVAL_MS: how often this worker looks for jobs whose lock expired, to resume them (30 s). */
  stalledIntervalMs: number;
  /** WORKER_MAX_STALLED_COUNT: times a job may lose its worker (crash, kill) and be resumed before it fails (1). */
  maxStalledCount: number;
  /** WORKER_THREADS: threads each job's GEMM and convolution split across (1). */
  threads: number;
  /** WORKER_CORES: cores this process may use (all the machine has); WORKER_CONCURRENCY × WORKER_THREADS must fit in them. */
  cores: number;
  /** WORKER_NAME: how this worker names itself in events (host:pid). */
  name: string;
  /**
   * WORKER_JOB_MEMORY_MB: memory one job may use, in MB (the machine's memory, less 512 MB for the
   * process, divided by WORKER_CONCURRENCY). Bounds the training thread's V8 heap (resourceLimits)
   * and, checked every 100 ms, its ArrayBuffers and WebAssembly memory too; a job past it fails
   * RESOURCE_LIMIT and the worker goes on with its next job.
   */
  jobMemoryMb: number;
  /**
   * WORKER_CANCEL_GRACE_MS: how long a cancelled job may take to reach its next batch boundary (and
   * store a checkpoint there) before its thread is terminated, inside a long kernel say (3000).
   */
  cancelGraceMs: number;
  /**
   * WORKER_CANCEL_POLL_MS: how often a running attempt re-reads its record's cancel_requested (2000;
   * 0: never). A cancel arrives by pub/sub, which drops messages while a subscriber reconnects; the
   * record, set before the publish, still stops the job within this interval.
   */
  cancelPollMs: number;
  /**
   * WORKER_POISON_MEMORY_FRACTION: a job whose worker process died while the job used at least this
   * share of WORKER_JOB_MEMORY_MB (or was being stopped for going past it) is taken to have killed
   * it, and fails RESOURCE_LIMIT instead of being resumed on another worker (0.8). A worker killed
   * while its job is smaller (a deploy, a lost node) still has the job resumed.
   */
  poisonMemoryFraction: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

function fraction(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!(n > 0 && n <= 1)) throw new Error(`${name} must be a number in (0, 1], got "${raw}"`);
  return n;
}

/** Reads the worker configuration; throws on a malformed variable so a bad deploy fails at boot. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const concurrency = int(env, 'WORKER_CONCURRENCY', 1, 1);
  const config: WorkerConfig = {
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    prefix: env.TRAINYARD_PREFIX || DEFAULT_PREFIX,
    concurrency,
    fashionMnistDir: env.FASHION_MNIST_DIR || '/usr/share/datasets/fashion-mnist',
    logLevel: env.LOG_LEVEL || 'info',
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 30_000),
    lockDurationMs: int(env, 'WORKER_LOCK_DURATION_MS', 30_000, 1000),
    stalledIntervalMs: int(env, 'WORKER_STALLED_INTERVAL_MS', 30_000, 500),
    maxStalledCount: int(env, 'WORKER_MAX_STALLED_COUNT', 1),
    name: env.WORKER_NAME || `${env.HOSTNAME || 'worker'}:${process.pid}`,
    threads: int(env, 'WORKER_THREADS', 1, 1),
    cores: int(env, 'WORKER_CORES', availableParallelism(), 1),
    jobMemoryMb: int(
      env,
      'WORKER_JOB_MEMORY_MB',
      Math.max(256, Math.floor((totalmem() / 2 ** 20 - 512) / concurrency)),
      64,
    ),
    cancelGraceMs: int(env, 'WORKER_CANCEL_GRACE_MS', 3000),
    cancelPollMs: int(env, 'WORKER_CANCEL_POLL_MS', 2000),
    poisonMemoryFraction: fraction(env, 'WORKER_POISON_MEMORY_FRACTION', 0.8),
  };
  // Jobs × threads beyond the cores only makes every job slower (threads wait on each other).
  if (config.concurrency * config.threads > config.cores) {
    throw new Error(
      `WORKER_CONCURRENCY (${config.concurrency}) × WORKER_THREADS (${config.threads}) is more than the ${config.cores} cores of WORKER_CORES; lower one of them`,
    );
  }
  return config;
}
