import type { Redis } from 'ioredis';
import { jobKeys, keys, type Engine, type JobEvent } from '@trainyard/contracts';
import { FencedError } from './errors.js';
import { finishJob, type TerminalEvent } from './job-record.js';

// Marks the job running, in the status index too, unless it has ended or a cancel was asked
// for before this attempt started (the api sets cancel_requested before it publishes). The
// attempt's token becomes the record's owner: from now on only this attempt may write. A
// pending cancel makes it the owner too, so that the attempt can end the job cancelled: without
// the token its terminal write was fenced off, BullMQ left the job active with no lock renewed,
// the worker took its next job, and the stalled check failed the job WORKER_LOST minutes later
// (issue 13's cancel race). Answers the outcome and the job's first started_at. Run twice for
// one attempt (ioredis resends a command whose reply a Redis restart swallowed), it writes
// nothing the second time.
const START = `
local s = redis.call('HGET', KEYS[1], 'status')
if not s or s == 'succeeded' or s == 'failed' or s == 'cancelled' then return {0} end
if redis.call('HEXISTS', KEYS[1], 'cancel_requested') == 1 then
  redis.call('HSET', KEYS[1], 'owner', ARGV[5])
  return {2}
end
if redis.call('HGET', KEYS[1], 'owner') == ARGV[5] then return {1, redis.call('HGET', KEYS[1], 'started_at')} end
redis.call('HSET', KEYS[1], 'status', 'running', 'attempts', ARGV[1], 'owner', ARGV[5], 'seq', 0)
redis.call('HSETNX', KEYS[1], 'started_at', ARGV[2])
redis.call('XADD', KEYS[2], '*', 'type', 'status', 'data', ARGV[3])
local t = redis.call('ZSCORE', KEYS[3], ARGV[4])
if t then
  redis.call('ZREM', KEYS[4], ARGV[4])
  redis.call('ZADD', KEYS[5], t, ARGV[4])
end
return {1, redis.call('HGET', KEYS[1], 'started_at')}
`;

// Appends an event (an epoch event also updates the record) only while ARGV[1] owns the job.
// ARGV[7] numbers the attempt's events: one already written (a resent command) is not written
// again, so a Redis restart between an event and its reply cannot report an epoch twice.
const EMIT = `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
if tonumber(ARGV[7]) <= tonumber(redis.call('HGET', KEYS[1], 'seq') or '0') then return 1 end
redis.call('HSET', KEYS[1], 'seq', ARGV[7])
redis.call('XADD', KEYS[2], '*', 'type', ARGV[2], 'data', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'epoch', ARGV[4], 'metrics', ARGV[5], 'samples_per_second', ARGV[6]) end
return 1
`;

/** What `started` found: go ahead, the job already ended, or a cancel is waiting for it. */
export type StartOutcome = 'started' | 'ended' | 'cancel_requested';

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
  private readonly stream: string;
  /** The number of this attempt's last event (see EMIT). */
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
    this.stream = keys.events(prefix, jobId);
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
    const event: JobEvent = { type: 'status', status: 'running', attempt, worker, ...(engine && { engine }) };
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
      this.owner,
    );
    const [code, startedAt] = r as [number, string?];
    const outcome = code === 1 ? 'started' : code === 2 ? 'cancel_requested' : 'ended';
    return { outcome, startedAt: startedAt ? Date.parse(startedAt) : Date.now() };
  }

  /** Appends a non-terminal event; epoch events also update the record's epoch and metrics. Throws FencedError once another attempt owns the job. */
  async emit(event: Exclude<JobEvent, TerminalEvent>): Promise<void> {
    const epoch =
      event.type === 'epoch'
        ? [String(event.epoch), JSON.stringify(event.logs), String(event.samples_per_second)]
        : ['', '', ''];
    const r = await this.redis.eval(
      EMIT,
      2,
      this.record,
      this.stream,
      this.owner,
      event.type,
      JSON.stringify(event),
      ...epoch,
      String(++this.seq),
    );
    if (r !== 1) throw new FencedError(this.jobId);
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
