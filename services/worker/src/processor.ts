import { workerData } from 'node:worker_threads';
import { UnrecoverableError, WaitingError, type SandboxedJob } from 'bullmq';
import { DEFAULT_TENANT, TRAIN_QUEUE, type TrainJobData, type TrainJobResult } from '@trainyard/contracts';
import { saveModelArtifact } from './artifact.js';
import { JobCheckpoints } from './checkpoints.js';
import { loadDataset } from './dataset.js';
import { isUserError } from './errors.js';
import { JobPublisher } from './publisher.js';
import { handBack, isShutdown } from './shutdown.js';
import { train } from './train.js';

/** What the parent hands every training thread (BullMQ's workerThreadsOptions.workerData). */
export interface ThreadData {
  redisUrl: string;
  fashionMnistDir: string;
  workerName: string;
}

/**
 * The worker-thread entry, a thin adapter: parse the payload, call train(), forward events.
 * User errors end the job as failed and are never retried; anything else is rethrown so
 * BullMQ retries it with backoff.
 */
export default async function processTrainJob(
  job: SandboxedJob<TrainJobData, TrainJobResult>,
  token?: string,
  signal?: AbortSignal,
): Promise<TrainJobResult> {
  const env = workerData as ThreadData;
  const prefix = job.queueQualifiedName.slice(0, -(TRAIN_QUEUE.length + 1));
  const { jobId, spec, tenant = DEFAULT_TENANT } = job.data;
  const pub = await JobPublisher.connect(env.redisUrl, prefix, tenant, jobId);
  const checkpoints = JobCheckpoints.open(env.redisUrl, prefix, jobId, pub);
  // attemptsStarted also counts starts after a stall (a crashed worker), which attemptsMade does not.
  const attempt = job.attemptsStarted || job.attemptsMade + 1;
  // A cancel reaches this thread as the abort of `signal`: the worker's main thread hears it on
  // the cancel channel and calls BullMQ's cancelJob, which forwards it here.
  const cancelled = async (reason: string): Promise<TrainJobResult> => {
    // A worker shutting down is no cancel: the job goes back to the queue and resumes elsewhere.
    if (isShutdown(signal)) return handBack(job, token);
    await pub.finish({ type: 'cancelled', reason });
    return { status: 'cancelled', metrics: {} };
  };
  try {
    const start = await pub.started(attempt, env.workerName);
    if (start === 'ended') return { status: 'cancelled', metrics: {} };
    if (start === 'cancel_requested') return await cancelled('cancelled before it started');
    const data = await loadDataset(spec.dataset, { ...env, prefix });
    if (signal?.aborted) return await cancelled(abortReason(signal));
    const result = await train(spec, data, checkpoints.emit, signal, await checkpoints.hooks(attempt));
    if (result.aborted) {
      if (isShutdown(signal)) return await handBack(job, token);
      await pub.finish({ type: 'cancelled', reason: abortReason(signal) });
      return { status: 'cancelled', metrics: result.metrics };
    }
    // Stored before the completed event, so a succeeded job always has its model.
    const links = await saveModelArtifact(jobId, result.model, { redisUrl: env.redisUrl, prefix });
    await pub.finish({
      type: 'completed',
      metrics: result.metrics,
      seconds: result.seconds,
      epoch: result.epoch,
      ...(result.stoppedEarly && { stopped_early: result.stoppedEarly }),
      links,
    });
    return { status: 'succeeded', metrics: result.metrics };
  } catch (err) {
    if (err instanceof WaitingError) throw err; // handed back to the queue
    // Whatever an abort interrupted, a cancelled job ends cancelled and is never retried.
    if (signal?.aborted) return await cancelled(abortReason(signal));
    if (isUserError(err)) {
      await pub.finish({ type: 'failed', error: { code: err.code, message: err.message } });
      throw new UnrecoverableError(`${err.code}: ${err.message}`);
    }
    throw err;
  } finally {
    await checkpoints.close();
    await pub.close();
  }
}

function abortReason(signal: AbortSignal | undefined): string {
  const r: unknown = signal?.reason;
  return typeof r === 'string' && r ? r : 'cancelled';
}
