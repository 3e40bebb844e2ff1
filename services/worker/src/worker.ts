import { Redis } from 'ioredis';
import { Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { DEFAULT_TENANT, TRAIN_QUEUE, type TrainJobData, type TrainJobResult } from '@trainyard/contracts';
import { jobKeys, keys } from '@trainyard/store';
import type { WorkerConfig } from './config.js';
import { finishJob } from './job-record.js';
import { runJobThread, ThreadSupply, type JobThreadContext } from './job-thread.js';
import { MemoryGuard } from './memory-guard.js';
import { CANCEL_REASON, SHUTDOWN_REASON } from './shutdown.js';
import { createSweepWorker } from './sweeps.js';

export { PROCESSOR_PATH } from './job-thread.js';

export interface TrainWorker {
  worker: Worker<TrainJobData, TrainJobResult>;
  /** Resolves once this worker hears cancel requests. */
  ready: Promise<void>;
  /** Training threads running now, and the most that ever ran at once (never above the concurrency). */
  stats: { running: number; peak: number };
  /**
   * Stops taking jobs and lets running ones go on; near the end of `graceMs` hands those still
   * running back to the queue (to be resumed from their checkpoints elsewhere); resolves within
   * `graceMs` either way.
   */
  close(graceMs?: number): Promise<void>;
}

/** The last part of a shutdown's grace period, for handing unfinished jobs back to the queue. */
const handoffMs = (graceMs: number): number => Math.min(5000, Math.floor(graceMs / 5));

type TrainBullWorker = Worker<TrainJobData, TrainJobResult>;

/**
 * A BullMQ worker whose processor trains each job in a worker thread of its own, so training
 * never blocks the event loop that renews the job lock. The main thread owns those threads: it
 * bounds their memory, ends them when a cancel is not heeded in time, and watches for jobs
 * that died for good.
 */
export function createTrainWorker(config: WorkerConfig, log: Logger): TrainWorker {
  const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null, connectionName: 'trainyard-worker' });
  const shutdown = { graceMs: config.shutdownGraceMs };
  const ctx = threadContext(config, log, connection, shutdown);
  const worker = new Worker<TrainJobData, TrainJobResult>(
    TRAIN_QUEUE,
    (job, token, signal) => runJobThread(ctx, job, token, signal),
    {
      connection,
      prefix: config.prefix,
      concurrency: config.concurrency,
      // A worker that dies keeps its jobs only until the lock expires; then any worker's stalled
      // check puts them back in the queue and the next attempt resumes from the last checkpoint.
      lockDuration: config.lockDurationMs,
      stalledInterval: config.stalledIntervalMs,
      maxStalledCount: config.maxStalledCount,
    },
  );
  logJobs(worker, log);
  worker.on('failed', (job, err) => {
    if (job) recordLostJob(connection, config, log, job, err);
  });
  worker.on('error', (err) => log.error({ err }, 'worker error'));
  // Sweep parents run here once all their trials have ended: ranking only, no training.
  const sweeps = createSweepWorker(config, log);
  const cancels = listenForCancels(connection, worker, config, log);

  return {
    worker,
    ready: cancels.ready,
    stats: ctx.stats,
    async close(graceMs = config.shutdownGraceMs) {
      shutdown.graceMs = graceMs;
      await drain(worker, log, graceMs);
      await within(sweeps.close(), 1000);
      await within(ctx.threads.close(), 1000);
      cancels.subscriber.disconnect();
      if (
        (await within(
          connection.quit().catch(() => 'failed'),
          1000,
        )) !== 'OK'
      )
        connection.disconnect();
    },
  };
}

/** What every job's runJobThread shares: the thread supply, the memory guard, the stats. */
function threadContext(
  config: WorkerConfig,
  log: Logger,
  redis: Redis,
  shutdown: { graceMs: number },
): JobThreadContext {
  const threadData = {
    redisUrl: config.redisUrl,
    prefix: config.prefix,
    fashionMnistDir: config.fashionMnistDir,
    workerName: config.name,
    threads: config.threads,
    memoryMb: config.jobMemoryMb,
  };
  return {
    config,
    threads: new ThreadSupply(threadData, config.jobMemoryMb),
    log,
    redis,
    guard: new MemoryGuard(),
    // A shutdown must hand the job back well within its hand-off time.
    stopGraceMs: (reason) =>
      reason === SHUTDOWN_REASON
        ? Math.min(config.cancelGraceMs, handoffMs(shutdown.graceMs) / 2)
        : config.cancelGraceMs,
    stats: { running: 0, peak: 0 },
  };
}

function logJobs(worker: TrainBullWorker, log: Logger): void {
  worker.on('active', (job) => log.info({ jobId: job.id, attempt: job.attemptsStarted }, 'job started'));
  // The process's memory after each job (the main thread's heap; rss covers the training threads too).
  worker.on('completed', (job, result) =>
    log.info({ jobId: job.id, status: result.status, memory: memoryMb() }, 'job finished'),
  );
}

/** Logs a failed attempt; after the last one, fails the job WORKER_LOST unless its thread ended it. */
function recordLostJob(
  connection: Redis,
  config: WorkerConfig,
  log: Logger,
  job: Job<TrainJobData, TrainJobResult>,
  err: Error,
): void {
  const final = err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
  log.warn({ jobId: job.id, attempt: job.attemptsStarted, final, err: err.message }, 'job attempt failed');
  if (!final) return;
  // The thread writes the terminal event for errors it saw; a crash leaves it to us. The attempts
  // are the record's (the starts that got as far as training): BullMQ's attemptsMade leaves out
  // starts a stall cut short, and its attemptsStarted counts the stalled check's last move too.
  const { tenant = DEFAULT_TENANT, jobId } = job.data;
  void connection
    .hget(keys.job(config.prefix, jobId), 'attempts')
    .then((attempts) =>
      finishJob(connection, config.prefix, tenant, jobId, {
        type: 'failed',
        error: {
          code: 'WORKER_LOST',
          message: `Training stopped unexpectedly after ${Number(attempts) || job.attemptsMade} attempt(s): ${err.message}`,
        },
      }),
    )
    .catch((e: unknown) => log.error({ err: e, jobId: job.id }, 'could not record failure'));
}

/**
 * BullMQ's cancelJob only reaches jobs in this process, so the api publishes every cancel on
 * one channel and each worker aborts the jobs it holds (runJobThread passes it to the thread).
 * A cancel that comes before BullMQ tracks the job finds nothing here; the record's
 * cancel_requested, set before the publish, stops it at its START instead.
 */
function listenForCancels(
  connection: Redis,
  worker: TrainBullWorker,
  config: WorkerConfig,
  log: Logger,
): { subscriber: Redis; ready: Promise<void> } {
  const subscriber = connection.duplicate({ connectionName: 'trainyard-worker-cancel' });
  const channel = jobKeys.cancel(config.prefix);
  subscriber.on('message', (ch: string, jobId: string) => {
    if (ch !== channel) return;
    if (worker.cancelJob(jobId, CANCEL_REASON)) log.info({ jobId }, 'cancelling job');
  });
  subscriber.on('error', (err) => log.warn({ err }, 'cancel listener error'));
  const ready = subscriber.subscribe(channel).then(() => undefined);
  ready.catch((err: unknown) => log.error({ err }, 'could not subscribe to cancel requests'));
  return { subscriber, ready };
}

/**
 * Stops taking jobs and lets running ones go on; near the end of `graceMs` hands those still
 * running back to the queue. Resolves within `graceMs` either way.
 */
async function drain(worker: TrainBullWorker, log: Logger, graceMs: number): Promise<void> {
  const handoff = handoffMs(graceMs);
  const closed = worker.close().then(() => 'closed' as const);
  if ((await within(closed, graceMs - handoff)) !== 'timeout') return;
  // The thread stops at the next batch boundary (or is terminated) and its job goes back to waiting.
  log.warn({ graceMs }, 'jobs still running at the end of the grace period; handing them back to the queue');
  worker.cancelAllJobs(SHUTDOWN_REASON);
  // worker.close(true) would only return the pending close, so give up waiting instead: the
  // lock of a job not handed back expires and another worker's stalled check resumes it.
  if ((await within(closed, handoff)) === 'timeout')
    log.error({ handoffMs: handoff }, 'jobs not handed back in time; leaving them to the stalled check');
}

function memoryMb(): { rss: number; heap_used: number; external: number } {
  const m = process.memoryUsage();
  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  return { rss: mb(m.rss), heap_used: mb(m.heapUsed), external: mb(m.external) };
}

function within<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
