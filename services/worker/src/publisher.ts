import type { Redis } from 'ioredis';
import { emitJobEvent, keys, startJob, type JobRef, type StartOutcome } from '@trainyard/store';
import type { Engine, JobEvent } from '@trainyard/contracts';

type StatusEvent = Extract<JobEvent, { type: 'status' }>;
import { FencedError } from './errors.js';
import { finishJob, type TerminalEvent } from './job-record.js';

export type { StartOutcome };

/**
 * Writes one job's events to its Redis Stream, in order, and keeps the job record in step
 * (status, epoch, latest metrics) in the same transaction as the event that changes it.
 *
 * Fencing: each attempt has its own `owner` token, recorded by started(). A worker whose lock
 * expired (partition, long pause) may still be training when another attempt starts the job;
 * from then on its writes throw FencedError instead of landing.
 */
export class JobPublisher {
  private readonly record: string;
  private readonly ref: JobRef;
  /** The number of this attempt's last event (see emitJobEvent). */
  private seq = 0;

  /** One attempt at a job, on the thread's connection; `owner` is the attempt's fencing token. */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly tenant: string,
    private readonly jobId: string,
    readonly owner: string,
  ) {
    this.record = keys.job(prefix, jobId);
    this.ref = { prefix, tenant, id: jobId };
  }

  /**
   * Marks the job running (first start keeps its started_at), makes this attempt its owner and
   * says which attempt this is. `startedAt` is the job's first start (ms), whichever attempt it was.
   */
  async started(
    attempt: number,
    worker: string,
    engine?: Engine,
  ): Promise<{ outcome: StartOutcome; startedAt: number }> {
    const event: StatusEvent = { type: 'status', status: 'running', attempt, worker, ...(engine && { engine }) };
    const { outcome, startedAt } = await startJob(this.redis, this.ref, this.owner, event);
    return { outcome, startedAt: startedAt ? Date.parse(startedAt) : Date.now() };
  }

  /** Appends a non-terminal event; epoch events also update the record's epoch and metrics. Throws FencedError once another attempt owns the job. */
  async emit(event: Exclude<JobEvent, TerminalEvent>): Promise<void> {
    if (!(await emitJobEvent(this.redis, this.ref, this.owner, event, ++this.seq))) throw new FencedError(this.jobId);
  }

  /** Throws FencedError when another attempt owns the job now (checked before a checkpoint is written). */
  async assertOwner(): Promise<void> {
    if ((await this.redis.hget(this.record, 'owner')) !== this.owner) throw new FencedError(this.jobId);
  }

  /** The last epoch the stream reported (0 when none): a retried attempt reports only later ones. */
  async reportedEpoch(): Promise<number> {
    return Number((await this.redis.hget(this.record, 'epoch')) ?? 0) || 0;
  }

  /** Ends the job with its one terminal event; throws FencedError once another attempt owns the job. */
  async finish(event: TerminalEvent): Promise<boolean> {
    return finishJob(this.redis, this.prefix, this.tenant, this.jobId, event, this.owner);
  }
}
