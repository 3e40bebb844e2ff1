import type { JobSpec } from './spec.js';

/** The BullMQ queue every worker consumes. */
export const TRAIN_QUEUE = 'train';

/** Default key prefix; the braces are a Redis Cluster hash tag so all keys share one slot. */
export const DEFAULT_PREFIX = '{trainyard}';

/** What the api puts on the queue: ids and the spec, never the data itself beyond small inline sets. */
export interface TrainJobData {
  jobId: string;
  spec: JobSpec;
  /** The tenant that owns the job (absent on jobs queued before tenants existed: the default tenant). */
  tenant?: string;
  /** Wall-clock budget of the whole job across attempts, in ms; past it the job fails with JOB_TIMEOUT. */
  timeoutMs?: number;
}

/** The tenant of `npm start`'s open single-tenant mode, and of records written before tenants. */
export const DEFAULT_TENANT = 'default';

/** What a finished training job returns to BullMQ. */
export interface TrainJobResult {
  status: 'succeeded' | 'cancelled';
  metrics: Record<string, number>;
}

/** How long BullMQ keeps a finished job (training job or sweep): a day after success, a week after failure (seconds). */
export const QUEUE_RETENTION = {
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;
