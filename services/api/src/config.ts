import { createHash } from 'node:crypto';
import { availableParallelism, totalmem } from 'node:os';
import { DEFAULT_PREFIX } from '@trainyard/contracts';

/** Everything the api reads from its environment, parsed once. Nothing else reads process.env. */
export interface ApiConfig {
  /** PORT: the HTTP port (3000). */
  port: number;
  /** HOST: the interface to bind (0.0.0.0, so containers are reachable). */
  host: string;
  /** REDIS_URL: the one Redis that holds queue, job records and event streams. */
  redisUrl: string;
  /** TRAINYARD_PREFIX: Redis key prefix; keep the {hash tag} for Redis Cluster. */
  prefix: string;
  /** LOG_LEVEL: pino level (info). */
  logLevel: string;
  /** MAX_BODY_BYTES: largest accepted request body (8 MiB; inline datasets live in it). */
  maxBodyBytes: number;
  /** TRAINYARD_MAX_JSON_DEPTH: deepest nesting of arrays and objects in any JSON body or uploaded JSON file (64; a Keras config needs about 12). */
  maxJsonDepth: number;
  /** MAX_PARAMS: largest model accepted, in trainable parameters (20 million). */
  maxParams: number;
  /** SSE_HEARTBEAT_MS: comment line sent to idle SSE clients so proxies keep them open (15 s). */
  sseHeartbeatMs: number;
  /** JOB_ATTEMPTS: how many times a job is tried when a worker dies under it (3). */
  jobAttempts: number;
  /** TRAINYARD_MAX_DATASET_BYTES: largest dataset upload or URL download, all files together (100 MiB). */
  maxDatasetBytes: number;
  /** TRAINYARD_DATASET_FETCH_TIMEOUT_MS: how long a `{ url }` dataset may take to download (30 s). */
  datasetFetchTimeoutMs: number;
  /** TRAINYARD_DATASET_URL_ALLOW_PRIVATE: 1 lets `{ url }` reach loopback and private addresses (off: no SSRF). */
  datasetUrlAllowPrivate: boolean;
  /** TRAINYARD_PREDICT_MAX_SAMPLES: most samples one POST /v1/jobs/:id/predict may carry (1000). */
  predictMaxSamples: number;
  /**
   * TRAINYARD_PREDICT_MAX_BYTES: largest predict request body (16 MiB: 1000 samples of 784 pixels as
   * Python's json writes float64s, up to 20 characters a value, fit; at 4 MiB even 3-decimal pixels did not).
   */
  predictMaxBytes: number;
  /** TRAINYARD_MODEL_CACHE_SIZE: trained models the api keeps loaded for predict, least recently used evicted (8). */
  modelCacheSize: number;
  /** TRAINYARD_MODEL_CACHE_MAX_BYTES: most weight bytes the loaded models may hold together (256 MiB), shared evenly by the predict threads. */
  modelCacheMaxBytes: number;
  /**
   * TRAINYARD_PREDICT_THREADS: worker threads that run predictions, off the event loop (the cores
   * but one, at least 1 and at most 4: one core stays with the event loop). 0 runs them on the event loop.
   */
  predictThreads: number;
  /** TRAINYARD_PREDICT_QUEUE: predict requests that may wait for a busy thread; one more is a 429 PREDICT_BUSY (8). */
  predictQueueLimit: number;
  /** TRAINYARD_PREDICT_MAX_FLOPS: largest forward cost of one predict request, samples × FLOPs per sample (1e10: a second or two on one core, about 3 s for the slowest convolutions measured by bench predict-health); more is a 400 PREDICT_TOO_EXPENSIVE. */
  predictMaxFlops: number;
  /** TRAINYARD_PREDICT_TIMEOUT_MS: a prediction still running after this long is stopped with its thread, a 422 PREDICT_TIMEOUT (20 s). */
  predictTimeoutMs: number;
  /** TRAINYARD_PREDICT_KERNEL_MB: a predict thread whose WebAssembly kernel memory (which never shrinks) grew past this is replaced after its answer when no request waits (256). */
  predictKernelMb: number;
  /**
   * TRAINYARD_API_KEYS: `tenant:key` pairs, comma-separated (a tenant may have several keys). Each
   * key maps to its tenant; every dataset, job, event and model is scoped to the tenant. Unset:
   * open single-tenant mode (no key asked, everything belongs to the tenant "default").
   * Held as sha256(key) → tenant, so the keys themselves are not kept in memory.
   */
  apiKeys: Map<string, string> | null;
  /**
   * TRAINYARD_ADMIN_TENANTS: tenants whose keys open the operators' queue board at /admin/queues,
   * comma-separated. Unset: the one tenant when TRAINYARD_API_KEYS names only one, else nobody
   * (the board shows every tenant's jobs). In open mode the board is open, like /v1.
   */
  adminTenants: string[];
  /** TRAINYARD_METRICS_TOKEN: when set, GET /metrics needs `Authorization: Bearer <token>` (it shows every tenant's job counts); unset: open. */
  metricsToken: string | null;
  /** TRAINYARD_RATE_LIMIT_PER_MINUTE: requests per tenant per minute over every api process, shared through Redis (1200; 0: no limit). */
  rateLimitPerMinute: number;
  /** TRAINYARD_MAX_ACTIVE_JOBS: queued plus running jobs a tenant may have at once (20; 0: no limit). */
  maxActiveJobs: number;
  /** TRAINYARD_MAX_SWEEP_TRIALS: most trials one sweep may run (50; each also counts against TRAINYARD_MAX_ACTIVE_JOBS). */
  maxSweepTrials: number;
  /** TRAINYARD_MAX_EPOCH_SAMPLES: largest epochs × training samples one job may ask for (100 million). */
  maxEpochSamples: number;
  /** TRAINYARD_JOB_TIMEOUT_S: a job's wall-clock budget when its spec names none, and the most it may name (6 h). */
  jobTimeoutSeconds: number;
  /**
   * TRAINYARD_MAX_JOB_BYTES: largest estimated peak memory one training job may take in a worker
   * (weights, gradients, optimizer slots, activations at the batch size, metric state, dataset);
   * more is a 400 JOB_MEMORY_TOO_LARGE. Default: 4 GiB, or half this machine's memory when that is
   * less (`npm start` and compose run api and workers on one host). Workers on their own machines:
   * set it to at most their WORKER_JOB_MEMORY_MB, so a job the api accepts is one they can hold.
   */
  maxJobBytes: number;
  /**
   * TRAINYARD_MAX_JOB_FLOPS: largest estimated training compute of one job, epochs × FLOPs per epoch
   * (1e15: 6 h, the longest timeout, at 50 GFLOPS, one core's peak — such a job could not finish);
   * more is a 400 JOB_COMPUTE_TOO_LARGE. 0: no limit.
   */
  maxJobFlops: number;
}

/** The hash under which an API key is looked up. */
export const hashApiKey = (key: string): string => createHash('sha256').update(key).digest('hex');

const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Parses TRAINYARD_API_KEYS; throws naming the bad entry (never echoing a key). */
export function parseApiKeys(raw: string | undefined): Map<string, string> | null {
  if (raw === undefined || raw.trim() === '') return null;
  const keys = new Map<string, string>();
  raw.split(',').forEach((entry, i) => {
    const at = entry.indexOf(':');
    const tenant = entry.slice(0, at).trim();
    const key = entry.slice(at + 1).trim();
    if (at < 0 || !TENANT.test(tenant))
      throw new Error(`TRAINYARD_API_KEYS entry ${i + 1} must be tenant:key with a tenant of a-z 0-9 _ - (at most 63)`);
    if (!/^[\x21-\x7e]{16,256}$/.test(key))
      throw new Error(
        `TRAINYARD_API_KEYS entry ${i + 1} (tenant ${tenant}): the key must be 16–256 printable characters without spaces or commas`,
      );
    if (keys.has(hashApiKey(key)))
      throw new Error(`TRAINYARD_API_KEYS entry ${i + 1} (tenant ${tenant}) repeats a key`);
    keys.set(hashApiKey(key), tenant);
  });
  return keys;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || !Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

// A non-negative number that may be written in exponent form (1e15).
function num(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

/** Reads the api configuration; throws on a malformed variable so a bad deploy fails at boot. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return {
    port: int(env, 'PORT', 3000),
    host: env.HOST || '0.0.0.0',
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    prefix: env.TRAINYARD_PREFIX || DEFAULT_PREFIX,
    logLevel: env.LOG_LEVEL || 'info',
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 8 * 1024 * 1024),
    maxJsonDepth: Math.max(1, int(env, 'TRAINYARD_MAX_JSON_DEPTH', 64)),
    maxParams: int(env, 'MAX_PARAMS', 20_000_000),
    sseHeartbeatMs: int(env, 'SSE_HEARTBEAT_MS', 15_000),
    jobAttempts: int(env, 'JOB_ATTEMPTS', 3),
    maxDatasetBytes: int(env, 'TRAINYARD_MAX_DATASET_BYTES', 100 * 1024 * 1024),
    datasetFetchTimeoutMs: int(env, 'TRAINYARD_DATASET_FETCH_TIMEOUT_MS', 30_000),
    datasetUrlAllowPrivate: ['1', 'true', 'yes'].includes(
      (env.TRAINYARD_DATASET_URL_ALLOW_PRIVATE ?? '').toLowerCase(),
    ),
    predictMaxSamples: int(env, 'TRAINYARD_PREDICT_MAX_SAMPLES', 1000),
    predictMaxBytes: int(env, 'TRAINYARD_PREDICT_MAX_BYTES', 16 * 1024 * 1024),
    modelCacheSize: int(env, 'TRAINYARD_MODEL_CACHE_SIZE', 8),
    modelCacheMaxBytes: int(env, 'TRAINYARD_MODEL_CACHE_MAX_BYTES', 256 * 1024 * 1024),
    predictThreads: int(env, 'TRAINYARD_PREDICT_THREADS', Math.max(1, Math.min(4, availableParallelism() - 1))),
    predictQueueLimit: int(env, 'TRAINYARD_PREDICT_QUEUE', 8),
    predictMaxFlops: int(env, 'TRAINYARD_PREDICT_MAX_FLOPS', 1e10),
    predictTimeoutMs: Math.max(1, int(env, 'TRAINYARD_PREDICT_TIMEOUT_MS', 20_000)),
    predictKernelMb: int(env, 'TRAINYARD_PREDICT_KERNEL_MB', 256),
    apiKeys: parseApiKeys(env.TRAINYARD_API_KEYS),
    adminTenants: (env.TRAINYARD_ADMIN_TENANTS ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    metricsToken: env.TRAINYARD_METRICS_TOKEN?.trim() || null,
    rateLimitPerMinute: int(env, 'TRAINYARD_RATE_LIMIT_PER_MINUTE', 1200),
    maxActiveJobs: int(env, 'TRAINYARD_MAX_ACTIVE_JOBS', 20),
    maxEpochSamples: int(env, 'TRAINYARD_MAX_EPOCH_SAMPLES', 100_000_000),
    maxSweepTrials: Math.max(1, int(env, 'TRAINYARD_MAX_SWEEP_TRIALS', 50)),
    jobTimeoutSeconds: Math.max(1, int(env, 'TRAINYARD_JOB_TIMEOUT_S', 6 * 3600)),
    maxJobBytes: int(env, 'TRAINYARD_MAX_JOB_BYTES', Math.min(4 * 2 ** 30, Math.floor(totalmem() / 2))),
    maxJobFlops: num(env, 'TRAINYARD_MAX_JOB_FLOPS', 1e15),
  };
}
