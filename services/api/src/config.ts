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
  /** TRAINYARD_PREDICT_MAX_BYTES: largest predict request body (4 MiB; 1000 samples of 784 pixels fit). */
  predictMaxBytes: number;
  /** TRAINYARD_MODEL_CACHE_SIZE: trained models the api keeps loaded for predict, least recently used evicted (8). */
  modelCacheSize: number;
  /** TRAINYARD_MODEL_CACHE_MAX_BYTES: most weight bytes the loaded models may hold together (256 MiB). */
  modelCacheMaxBytes: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || !Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
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
    maxParams: int(env, 'MAX_PARAMS', 20_000_000),
    sseHeartbeatMs: int(env, 'SSE_HEARTBEAT_MS', 15_000),
    jobAttempts: int(env, 'JOB_ATTEMPTS', 3),
    maxDatasetBytes: int(env, 'TRAINYARD_MAX_DATASET_BYTES', 100 * 1024 * 1024),
    datasetFetchTimeoutMs: int(env, 'TRAINYARD_DATASET_FETCH_TIMEOUT_MS', 30_000),
    datasetUrlAllowPrivate: ['1', 'true', 'yes'].includes((env.TRAINYARD_DATASET_URL_ALLOW_PRIVATE ?? '').toLowerCase()),
    predictMaxSamples: int(env, 'TRAINYARD_PREDICT_MAX_SAMPLES', 1000),
    predictMaxBytes: int(env, 'TRAINYARD_PREDICT_MAX_BYTES', 4 * 1024 * 1024),
    modelCacheSize: int(env, 'TRAINYARD_MODEL_CACHE_SIZE', 8),
    modelCacheMaxBytes: int(env, 'TRAINYARD_MODEL_CACHE_MAX_BYTES', 256 * 1024 * 1024),
  };
}
