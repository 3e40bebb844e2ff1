import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import { DEFAULT_TENANT, TRAIN_QUEUE, jobKeys, type TrainJobData, type TrainJobResult } from '@trainyard/contracts';
import type { WorkerConfig } from './config.js';
import { finishJob } from './job-record.js';
import type { ThreadData } from './processor.js';
import { SHUTDOWN_REASON } from './shutdown.js';
import { createSweepWorker } from './sweeps.js';

// Node 20 cannot load a .ts file in a worker thread, so the thread always runs the compiled
// entry; `npm start` and `npm test` build it first.
export const PROCESSOR_PATH = fileURLToPath(new URL('../dist/processor.js', import.meta.url));

export interface TrainWorker {
  worker: Worker<TrainJobData, TrainJobResult>;
  /** Resolves once this worker hears cancel requests. */
  ready: Promise<void>;
  /**
   * Stops taking jobs and lets running ones go on; near the end of `graceMs` hands those still
   * running back to the queue (to be resumed from their checkpoints elsewhere); resolves within
   * `graceMs` either way.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * A BullMQ worker whose processor runs in a worker thread, so training never blocks the event
 * loop that renews the job lock. The main thread only watches for jobs that died for good.
 */
export function createTrainWorker(config: WorkerConfig, log: Logger): TrainWorker {
  const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null, connectionName: 'trainyard-worker' });
  const threadData: ThreadData = { redisUrl: config.redisUrl, fashionMnistDir: config.fashionMnistDir, workerName: config.name, threads: config.threads };
  const worker = new Worker<TrainJobData, TrainJobResult>(TRAIN_QUEUE, PROCESSOR_PATH, {
    connection,
    prefix: config.prefix,
    concurrency: config.concurrency,
    useWorkerThreads: true,
    // A worker that dies keeps its jobs only until the lock expires; then any worker's stalled
    // check puts them back in the queue and the next attempt resumes from the last checkpoint.
    lockDuration: config.lockDurationMs,
    stalledInterval: config.stalledIntervalMs,
    maxStalledCount: config.maxStalledCount,
    // The thread gets our data and none of the parent's loader flags (tsx, vitest).
    workerThreadsOptions: { workerData: threadData, execArgv: [] },
  });

  worker.on('active', (job) => log.info({ jobId: job.id, attempt: job.attemptsStarted }, 'job started'));
  // The process's memory after each job (the main thread's heap; rss covers the training threads too).
  worker.on('completed', (job, result) => log.info({ jobId: job.id, status: result.status, memory: memoryMb() }, 'job finished'));
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    log.warn({ jobId: job.id, attempt: job.attemptsMade, final, err: err.message }, 'job attempt failed');
    if (!final) return;
    // The thread writes the terminal event for errors it saw; a crash leaves it to us.
    void finishJob(connection, config.prefix, job.data.tenant ?? DEFAULT_TENANT, job.data.jobId, {
      type: 'failed',
      error: { code: 'WORKER_LOST', message: `Training stopped unexpectedly after ${job.attemptsMade} attempt(s): ${err.message}` },
    }).catch((e: unknown) => log.error({ err: e, jobId: job.id }, 'could not record failure'));
  });
  worker.on('error', (err) => log.error({ err }, 'worker error'));
  // Sweep parents run here once all their trials have ended: ranking only, no training.
  const sweeps = createSweepWorker(config, log);

  // BullMQ's cancelJob only reaches jobs in this process, so the api publishes every cancel on
  // one channel and each worker aborts the jobs it holds (the abort crosses into the thread).
  const subscriber = connection.duplicate({ connectionName: 'trainyard-worker-cancel' });
  const channel = jobKeys.cancel(config.prefix);
  subscriber.on('message', (ch: string, jobId: string) => {
    if (ch !== channel) return;
    if (worker.cancelJob(jobId, 'cancelled by request')) log.info({ jobId }, 'cancelling job');
  });
  subscriber.on('error', (err) => log.warn({ err }, 'cancel listener error'));
  const ready = subscriber.subscribe(channel).then(() => undefined);
  ready.catch((err: unknown) => log.error({ err }, 'could not subscribe to cancel requests'));

  return {
    worker,
    ready,
    async close(graceMs = config.shutdownGraceMs) {
      const handoffMs = Math.min(5000, Math.floor(graceMs / 5));
      const closed = worker.close().then(() => 'closed' as const);
      if ((await within(closed, graceMs - handoffMs)) === 'timeout') {
        // The thread stops at the next batch boundary and moves its job back to waiting.
        log.warn({ graceMs }, 'jobs still running at the end of the grace period; handing them back to the queue');
        worker.cancelAllJobs(SHUTDOWN_REASON);
        // worker.close(true) would only return the pending close, so give up waiting instead: the
        // lock of a job not handed back expires and another worker's stalled check resumes it.
        if ((await within(closed, handoffMs)) === 'timeout') log.error({ handoffMs }, 'jobs not handed back in time; leaving them to the stalled check');
      }
      await within(sweeps.close(), 1000);
      subscriber.disconnect();
      if ((await within(connection.quit().catch(() => 'failed'), 1000)) !== 'OK') connection.disconnect();
    },
  };
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
