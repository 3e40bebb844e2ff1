import { workerData } from 'node:worker_threads';
import { engineInfo, setThreads } from '@trainyard/tensor';
import { UnrecoverableError, WaitingError, type SandboxedJob } from 'bullmq';
import { DEFAULT_TENANT, TRAIN_QUEUE, type TrainJobData, type TrainJobResult } from '@trainyard/contracts';
import { saveModelArtifact } from './artifact.js';
import { JobCheckpoints } from './checkpoints.js';
import { loadDataset } from './dataset.js';
import { FencedError, isUserError } from './errors.js';
import { JobPublisher } from './publisher.js';
import { handBack, isShutdown } from './shutdown.js';
import { jobDeadline } from './timeout.js';
import { train, type TrainResult } from './train.js';

/** What the parent hands every training thread (BullMQ's workerThreadsOptions.workerData). */
export interface ThreadData {
  redisUrl: string;
  fashionMnistDir: string;
  workerName: string;
  /** Threads GEMM and convolution use in this training thread (WORKER_THREADS). */
  threads: number;
}

// Once per training thread (BullMQ reuses it for the next job): the kernel threads it trains with.
const env = workerData as ThreadData;
setThreads(env.threads);

/** Where the checkpoint of a stopped job stands, as its terminal event says. */
type CheckpointAt = { checkpoint_epoch: number; checkpoint_batch?: number };

/**
 * The worker-thread entry, a thin adapter: parse the payload, call train(), forward events.
 * User errors (and a spent time budget, JOB_TIMEOUT) end the job as failed and are never
 * retried; anything else is rethrown so BullMQ retries it with backoff. An attempt that lost the
 * job to another one (FencedError) leaves without a word.
 */
export default async function processTrainJob(
  job: SandboxedJob<TrainJobData, TrainJobResult>,
  token?: string,
  signal?: AbortSignal,
): Promise<TrainJobResult> {
  const prefix = job.queueQualifiedName.slice(0, -(TRAIN_QUEUE.length + 1));
  const { jobId, spec, tenant = DEFAULT_TENANT, timeoutMs } = job.data;
  const pub = await JobPublisher.connect(env.redisUrl, prefix, tenant, jobId);
  const checkpoints = JobCheckpoints.open(env.redisUrl, prefix, jobId, pub);
  // attemptsStarted also counts starts after a stall (a crashed worker), which attemptsMade does not.
  const attempt = job.attemptsStarted || job.attemptsMade + 1;
  let deadline: ReturnType<typeof jobDeadline> | undefined;
  // A cancel reaches this thread as the abort of `signal`: the worker's main thread hears it on
  // the cancel channel and calls BullMQ's cancelJob, which forwards it here.
  const cancelled = async (reason: string, at?: CheckpointAt): Promise<TrainJobResult> => {
    // A worker shutting down is no cancel: the job goes back to the queue and resumes elsewhere.
    if (isShutdown(signal)) return handBack(job, token);
    await pub.finish({ type: 'cancelled', reason, ...at });
    return { status: 'cancelled', metrics: {} };
  };
  // The budget is spent: the job's own doing (never retried), and what it trained is kept.
  const timedOut = async (at?: CheckpointAt): Promise<never> => {
    const message = `the job ran out of its time budget of ${timeoutMs! / 1000} s${at ? `; its checkpoint holds ${checkpointText(at)}` : ''}`;
    await pub.finish({ type: 'failed', error: { code: 'JOB_TIMEOUT', message }, ...at });
    throw new UnrecoverableError(`JOB_TIMEOUT: ${message}`);
  };
  try {
    const start = await pub.started(attempt, env.workerName, engineInfo());
    if (start.outcome === 'ended') return { status: 'cancelled', metrics: {} };
    if (start.outcome === 'cancel_requested') return await cancelled('cancelled before it started');
    // The budget counts from the job's first start (the record's started_at), retries included.
    deadline = jobDeadline(start.startedAt, timeoutMs);
    const stop = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
    const data = await loadDataset(spec.dataset, { ...env, prefix });
    if (signal?.aborted) return await cancelled(abortReason(signal));
    if (deadline.signal.aborted) return await timedOut();
    const result = await train(spec, data, checkpoints.emit, stop, await checkpoints.hooks(attempt));
    if (result.aborted) {
      if (isShutdown(signal)) return await handBack(job, token);
      // A cancel or timeout keeps the work done: the weights as training stopped, mid-epoch or not.
      const at = result.stopped && (await saveStopped(checkpoints, result.stopped));
      if (!signal?.aborted) return await timedOut(at);
      await pub.finish({ type: 'cancelled', reason: abortReason(signal), ...at });
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
    if (err instanceof WaitingError || err instanceof UnrecoverableError) throw err; // handed back, or ended
    // Another attempt owns the job now (this one's lock expired): it carries on; this one writes
    // nothing more and leaves the BullMQ job alone, as a hand-back does.
    if (err instanceof FencedError) throw new WaitingError();
    return await quietlyIfFenced(async () => {
      // Whatever an abort interrupted, a cancelled job ends cancelled and is never retried.
      if (signal?.aborted) return await cancelled(abortReason(signal));
      if (deadline?.signal.aborted) return await timedOut();
      if (isUserError(err)) {
        await pub.finish({ type: 'failed', error: { code: err.code, message: err.message } });
        throw new UnrecoverableError(`${err.code}: ${err.message}`);
      }
      throw err;
    });
  } finally {
    deadline?.clear();
    await checkpoints.close();
    await pub.close();
  }
}

/** Runs the end of a failed attempt; if it finds the job taken over, leaves quietly instead. */
async function quietlyIfFenced<T>(end: () => Promise<T>): Promise<T> {
  try {
    return await end();
  } catch (err) {
    if (err instanceof FencedError) throw new WaitingError();
    throw err;
  }
}

/** Stores the checkpoint of where a cancel or timeout stopped training; returns what the terminal event says of it. */
async function saveStopped(checkpoints: JobCheckpoints, stopped: NonNullable<TrainResult['stopped']>): Promise<CheckpointAt> {
  await checkpoints.save(stopped.checkpoint, stopped.batch);
  return { checkpoint_epoch: stopped.epoch, ...(stopped.batch > 0 && { checkpoint_batch: stopped.batch }) };
}

function checkpointText(at: CheckpointAt): string {
  return `epoch ${at.checkpoint_epoch}${at.checkpoint_batch ? ` and ${at.checkpoint_batch} batches of epoch ${at.checkpoint_epoch + 1}` : ''}`;
}

function abortReason(signal: AbortSignal | undefined): string {
  const r: unknown = signal?.reason;
  return typeof r === 'string' && r ? r : 'cancelled';
}
