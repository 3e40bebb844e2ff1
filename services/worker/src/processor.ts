import { workerData } from 'node:worker_threads';
import { UnrecoverableError, type SandboxedJob } from 'bullmq';
import { TRAIN_QUEUE, type TrainJobData, type TrainJobResult } from '@trainyard/contracts';
import { loadDataset } from './dataset.js';
import { isUserError } from './errors.js';
import { JobPublisher } from './publisher.js';
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
  _token?: string,
  signal?: AbortSignal,
): Promise<TrainJobResult> {
  const env = workerData as ThreadData;
  const prefix = job.queueQualifiedName.slice(0, -(TRAIN_QUEUE.length + 1));
  const { jobId, spec } = job.data;
  const pub = await JobPublisher.connect(env.redisUrl, prefix, jobId);
  // A cancel reaches this thread as the abort of `signal`: the worker's main thread hears it on
  // the cancel channel and calls BullMQ's cancelJob, which forwards it here.
  const cancelled = async (reason: string): Promise<TrainJobResult> => {
    await pub.finish({ type: 'cancelled', reason });
    return { status: 'cancelled', metrics: {} };
  };
  try {
    const start = await pub.started(job.attemptsMade + 1, env.workerName);
    if (start === 'ended') return { status: 'cancelled', metrics: {} };
    if (start === 'cancel_requested') return await cancelled('cancelled before it started');
    const data = await loadDataset(spec.dataset, { ...env, prefix });
    if (signal?.aborted) return await cancelled(abortReason(signal));
    const result = await train(spec, data, (e) => pub.emit(e), signal);
    if (result.aborted) {
      await pub.finish({ type: 'cancelled', reason: abortReason(signal) });
      return { status: 'cancelled', metrics: result.metrics };
    }
    await pub.finish({
      type: 'completed',
      metrics: result.metrics,
      seconds: result.seconds,
      epoch: result.epoch,
      ...(result.stoppedEarly && { stopped_early: result.stoppedEarly }),
    });
    return { status: 'succeeded', metrics: result.metrics };
  } catch (err) {
    // Whatever an abort interrupted, a cancelled job ends cancelled and is never retried.
    if (signal?.aborted) return await cancelled(abortReason(signal));
    if (isUserError(err)) {
      await pub.finish({ type: 'failed', error: { code: err.code, message: err.message } });
      throw new UnrecoverableError(`${err.code}: ${err.message}`);
    }
    throw err;
  } finally {
    await pub.close();
  }
}

function abortReason(signal: AbortSignal | undefined): string {
  const r: unknown = signal?.reason;
  return typeof r === 'string' && r ? r : 'cancelled';
}
