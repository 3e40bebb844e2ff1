import { Redis } from 'ioredis';
import { keys, type JobEvent } from '@trainyard/contracts';
import { finishJob } from './job-record.js';

type TerminalEvent = Extract<JobEvent, { type: 'completed' | 'failed' | 'cancelled' }>;

/**
 * Writes one job's events to its Redis Stream, in order, and keeps the job record in step
 * (status, epoch, latest metrics) in the same transaction as the event that changes it.
 */
export class JobPublisher {
  private readonly record: string;
  private readonly stream: string;

  private constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly jobId: string,
  ) {
    this.record = keys.job(prefix, jobId);
    this.stream = keys.events(prefix, jobId);
  }

  /** Opens a connection for one job. */
  static async connect(redisUrl: string, prefix: string, jobId: string): Promise<JobPublisher> {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 20, connectionName: `trainyard-job-${jobId}` });
    return new JobPublisher(redis, prefix, jobId);
  }

  /** Marks the job running (first start keeps its started_at) and says which attempt this is. */
  async started(attempt: number, worker: string): Promise<void> {
    const event: JobEvent = { type: 'status', status: 'running', attempt, worker };
    await this.redis
      .multi()
      .hset(this.record, 'status', 'running', 'attempts', String(attempt))
      .hsetnx(this.record, 'started_at', new Date().toISOString())
      .xadd(this.stream, '*', 'type', event.type, 'data', JSON.stringify(event))
      .exec();
  }

  /** Appends a non-terminal event; epoch events also update the record's epoch and metrics. */
  async emit(event: Exclude<JobEvent, TerminalEvent>): Promise<void> {
    const tx = this.redis.multi().xadd(this.stream, '*', 'type', event.type, 'data', JSON.stringify(event));
    if (event.type === 'epoch') tx.hset(this.record, 'epoch', String(event.epoch), 'metrics', JSON.stringify(event.logs));
    await tx.exec();
  }

  /** Ends the job with its one terminal event. */
  async finish(event: TerminalEvent): Promise<boolean> {
    return finishJob(this.redis, this.prefix, this.jobId, event);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
