import { Redis } from 'ioredis';
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import { SWEEP_QUEUE, type JobStatus, type SweepJobData, type SweepRank } from '@trainyard/contracts';
import { endSweep, readTrials, sweepKeys } from '@trainyard/store';
import type { WorkerConfig } from './config.js';
import { finishJob } from './job-record.js';

/** A trial as the ranking sees it. */
export type TrialOutcome = Omit<SweepRank, 'rank'>;

/**
 * Orders trials best first by their final value (`min`: lowest first); trials without one
 * (failed, cancelled) come last. Ties keep trial order.
 */
export function rankTrials(trials: TrialOutcome[], mode: 'min' | 'max'): SweepRank[] {
  const sign = mode === 'min' ? 1 : -1;
  return [...trials]
    .sort((a, b) => {
      if (a.value === null || b.value === null)
        return Number(a.value === null) - Number(b.value === null) || a.index - b.index;
      return sign * (a.value - b.value) || a.index - b.index;
    })
    .map((t, i) => ({ rank: i + 1, ...t }));
}

/**
 * Ranks a sweep whose trials have all ended (BullMQ runs the parent only then) and ends it:
 * cancelled when a cancel was asked for, else succeeded when at least one trial succeeded, else failed.
 */
export async function finishSweep(redis: Redis, prefix: string, sweepId: string): Promise<JobStatus | null> {
  const rec = await redis.hgetall(sweepKeys.record(prefix, sweepId));
  if (!rec.id || !rec.tenant) return null;
  const trials = JSON.parse(rec.trials ?? '[]') as { index: number; job_id: string }[];
  const jobIds = trials.map((t) => t.job_id);
  let rows = await readTrials(redis, prefix, jobIds);
  // BullMQ is done with every trial, so a record still live missed its terminal event: the api
  // took a queued trial off the queue but has not written `cancelled` yet, or a worker died and
  // its main thread has not written the failure yet. Whoever writes first wins; the rest is a no-op.
  const stale = rows.flatMap(([status, , , cancel], i) =>
    status === 'queued' || status === 'running' ? [{ id: jobIds[i], cancel }] : [],
  );
  for (const { id, cancel } of stale) {
    await finishJob(
      redis,
      prefix,
      rec.tenant,
      id,
      cancel
        ? { type: 'cancelled', reason: 'sweep cancelled' }
        : { type: 'failed', error: { code: 'WORKER_LOST', message: 'The trial ended without a result' } },
    );
  }
  if (stale.length) rows = await readTrials(redis, prefix, jobIds);

  const outcomes = trials.map(({ index, job_id }, i): TrialOutcome => {
    const [status, metrics, error] = rows[i];
    // Only a finished trial has a final value; a failed or cancelled one keeps its last epoch's logs, which do not rank.
    const value =
      status === 'succeeded' ? (JSON.parse(metrics || '{}') as Record<string, unknown>)[rec.metric ?? ''] : undefined;
    return {
      index,
      job_id,
      status: (status ?? 'failed') as JobStatus,
      value: typeof value === 'number' && Number.isFinite(value) ? value : null,
      ...(error && { error: JSON.parse(error) as { code: string; message: string } }),
      ...(!status && { error: { code: 'JOB_NOT_FOUND', message: 'The trial was deleted' } }),
    };
  });
  const ranking = rankTrials(outcomes, rec.mode === 'max' ? 'max' : 'min');
  const status: JobStatus = rec.cancel_requested
    ? 'cancelled'
    : outcomes.some((o) => o.status === 'succeeded')
      ? 'succeeded'
      : 'failed';
  await endSweep(redis, prefix, sweepId, status, ranking);
  return ((await redis.hget(sweepKeys.record(prefix, sweepId), 'status')) as JobStatus | null) ?? status;
}

export interface SweepWorker {
  worker: Worker<SweepJobData>;
  close(): Promise<void>;
}

/**
 * The sweep queue's worker: runs in the main thread (a parent only reads records and ranks) and
 * gets a sweep only once BullMQ has seen every trial end.
 */
export function createSweepWorker(config: WorkerConfig, log: Logger): SweepWorker {
  const connection = new Redis(config.redisUrl, {
    maxRetriesPerRequest: null,
    connectionName: 'trainyard-worker-sweeps',
  });
  const worker = new Worker<SweepJobData>(
    SWEEP_QUEUE,
    async (job) => {
      const status = await finishSweep(connection, config.prefix, job.data.sweepId);
      log.info({ sweepId: job.data.sweepId, status }, 'sweep finished');
      return { status };
    },
    { connection, prefix: config.prefix, concurrency: 4 },
  );
  worker.on('error', (err) => log.error({ err }, 'sweep worker error'));
  return {
    worker,
    async close() {
      await worker.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
