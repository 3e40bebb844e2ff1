import { Redis } from 'ioredis';
import { jobKeys, keys, type JobEvent } from '@trainyard/contracts';
import { finishJob, type TerminalEvent } from './job-record.js';

// Marks the job running, in the status index too, unless it has ended or a cancel was asked
// for before this attempt started (the api sets cancel_requested before it publishes).
const START = `
local s = redis.call('HGET', KEYS[1], 'status')
if not s or s == 'succeeded' or s == 'failed' or s == 'cancelled' then return 0 end
if redis.call('HEXISTS', KEYS[1], 'cancel_requested') == 1 then return 2 end
redis.call('HSET', KEYS[1], 'status', 'running', 'attempts', ARGV[1])
redis.call('HSETNX', KEYS[1], 'started_at', ARGV[2])
redis.call('XADD', KEYS[2], '*', 'type', 'status', 'data', ARGV[3])
local t = redis.call('ZSCORE', KEYS[3], ARGV[4])
if t then
  redis.call('ZREM', KEYS[4], ARGV[4])
  redis.call('ZADD', KEYS[5], t, ARGV[4])
end
return 1
`;

/** What `started` found: go ahead, the job already ended, or a cancel is waiting for it. */
export type StartOutcome = 'started' | 'ended' | 'cancel_requested';

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
    private readonly tenant: string,
    private readonly jobId: string,
  ) {
    this.record = keys.job(prefix, jobId);
    this.stream = keys.events(prefix, jobId);
  }

  /** Opens a connection for one job. */
  static async connect(redisUrl: string, prefix: string, tenant: string, jobId: string): Promise<JobPublisher> {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 20, connectionName: `trainyard-job-${jobId}` });
    return new JobPublisher(redis, prefix, tenant, jobId);
  }

  /** Marks the job running (first start keeps its started_at) and says which attempt this is. */
  async started(attempt: number, worker: string): Promise<StartOutcome> {
    const event: JobEvent = { type: 'status', status: 'running', attempt, worker };
    const r = await this.redis.eval(
      START,
      5,
      this.record,
      this.stream,
      jobKeys.created(this.prefix, this.tenant),
      jobKeys.byStatus(this.prefix, this.tenant, 'queued'),
      jobKeys.byStatus(this.prefix, this.tenant, 'running'),
      String(attempt),
      new Date().toISOString(),
      JSON.stringify(event),
      this.jobId,
    );
    return r === 1 ? 'started' : r === 2 ? 'cancel_requested' : 'ended';
  }

  /** Appends a non-terminal event; epoch events also update the record's epoch and metrics. */
  async emit(event: Exclude<JobEvent, TerminalEvent>): Promise<void> {
    const tx = this.redis.multi().xadd(this.stream, '*', 'type', event.type, 'data', JSON.stringify(event));
    if (event.type === 'epoch') tx.hset(this.record, 'epoch', String(event.epoch), 'metrics', JSON.stringify(event.logs));
    await tx.exec();
  }

  /** The last epoch the stream reported (0 when none): a retried attempt reports only later ones. */
  async reportedEpoch(): Promise<number> {
    return Number((await this.redis.hget(this.record, 'epoch')) ?? 0) || 0;
  }

  /** Ends the job with its one terminal event. */
  async finish(event: TerminalEvent): Promise<boolean> {
    return finishJob(this.redis, this.prefix, this.tenant, this.jobId, event);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
