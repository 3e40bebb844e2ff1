import { createHash } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { JobsOptions } from 'bullmq';
import {
  IDEMPOTENCY_TTL_SECONDS,
  QUEUE_RETENTION,
  type JobSpec,
  type JobStatus,
  type TrainJobData,
} from '@trainyard/contracts';
import type { ApiConfig } from './config.js';
import { ApiError } from './errors.js';
import { jobNotFound, newJobId } from './job-store.js';
import { resolveDataset } from './resolve-dataset.js';
import { checkJob, jobEstimate, type CheckedJob, type ResolvedDataset } from './validate-job.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** How BullMQ keeps a training job: retried with backoff when a worker dies, kept a while after. */
export function trainJobOptions(config: ApiConfig, jobId: string): JobsOptions {
  return {
    jobId,
    attempts: config.jobAttempts,
    backoff: { type: 'exponential', delay: 1000 },
    ...QUEUE_RETENTION,
  };
}

/**
 * Checks a spec against the service's limits (model, data, epochs × samples, timeout) and
 * returns what the queue payload needs; every refusal is a coded 4xx. `dataset` is resolveDataset's.
 */
export function checkSubmission(
  config: ApiConfig,
  spec: JobSpec,
  dataset: ResolvedDataset,
): CheckedJob & { timeoutMs: number } {
  const checked = checkJob(spec, dataset, {
    maxParams: config.maxParams,
    maxEpochSamples: config.maxEpochSamples,
    maxJobBytes: config.maxJobBytes,
    ...(config.maxJobFlops > 0 && { maxJobFlops: config.maxJobFlops }),
  });
  const timeout = spec.timeout_seconds ?? config.jobTimeoutSeconds;
  if (timeout > config.jobTimeoutSeconds) {
    throw new ApiError(
      'JOB_TIMEOUT_TOO_LONG',
      `timeout_seconds ${timeout} is above this service's limit of ${config.jobTimeoutSeconds}`,
      {
        path: '/timeout_seconds',
        limit: config.jobTimeoutSeconds,
      },
    );
  }
  return { ...checked, timeoutMs: timeout * 1000 };
}

/** The refusal of a tenant at its limit of queued and running jobs. */
export function tooManyActive(limit: number): ApiError {
  return new ApiError(
    'TOO_MANY_ACTIVE_JOBS',
    `This tenant already has ${limit} queued or running jobs, the limit; wait for one to finish or cancel one`,
    { limit },
  );
}

export interface Submitted {
  id: string;
  status: JobStatus;
  /** True when an Idempotency-Key returned the job an earlier request created. */
  replayed: boolean;
}

/**
 * Submits one training job for a tenant: checks it, writes the queued record (within the
 * tenant's active-job limit, once per Idempotency-Key) and queues it. A record whose enqueue
 * fails is removed again, so no phantom job remains.
 */
export async function submitJob(
  app: FastifyInstance,
  tenant: string,
  spec: JobSpec,
  opts: { idempotencyKey?: string; log: FastifyBaseLogger },
): Promise<Submitted> {
  const checked = checkSubmission(app.config, spec, await resolveDataset(app.datasets, tenant, spec.dataset));
  const bodySha256 = sha256(JSON.stringify(spec));
  const id = newJobId();
  const key = opts.idempotencyKey;
  const created = await app.jobs.create(tenant, id, spec, {
    maxActive: app.config.maxActiveJobs,
    estimate: jobEstimate(checked.estimate),
    ...(key && { idempotency: { key, bodySha256, ttlSeconds: IDEMPOTENCY_TTL_SECONDS } }),
  });
  if (created === 'limit') throw tooManyActive(app.config.maxActiveJobs);
  if (created) {
    if (created.body_sha256 !== bodySha256) {
      throw new ApiError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used with a different body; use a new key for a new job',
        { job_id: created.id },
      );
    }
    const status = await app.jobs.status(tenant, created.id);
    if (!status) throw jobNotFound(created.id);
    return { id: created.id, status, replayed: true };
  }
  const data: TrainJobData = { jobId: id, spec, tenant, timeoutMs: checked.timeoutMs };
  try {
    await app.queue.add('train', data, trainJobOptions(app.config, id));
  } catch (err) {
    await app.jobs.discard(tenant, id).catch(() => undefined);
    throw err;
  }
  opts.log.info(
    { jobId: id, tenant, params: checked.params, memory_bytes: checked.estimate.memoryBytes },
    'job queued',
  );
  return { id, status: 'queued', replayed: false };
}
