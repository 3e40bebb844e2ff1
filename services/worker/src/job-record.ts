import type { Redis } from 'ioredis';
import { finishJobCall, keys, type JobEvent } from '@trainyard/contracts';
import { FencedError } from './errors.js';

export type TerminalEvent = Extract<JobEvent, { type: 'completed' | 'failed' | 'cancelled' }>;

/**
 * Ends a job with exactly one terminal event (record, stream and status index in one script);
 * returns false when it had already ended. Whichever of the thread (normal end) or the main
 * thread (a crash BullMQ gave up on) comes second changes nothing. With an `owner` token (a
 * training thread's), throws FencedError when another attempt has taken the job over.
 */
export async function finishJob(
  redis: Redis,
  prefix: string,
  tenant: string,
  jobId: string,
  event: TerminalEvent,
  owner = '',
): Promise<boolean> {
  const r = await redis.eval(...finishJobCall(prefix, tenant, jobId, event, owner));
  if (r === 2) throw new FencedError(jobId);
  return r === 1;
}

/** What the record keeps of a running attempt's memory (field `attempt_memory`), for the next attempt to read if this one's worker dies. */
export interface AttemptMemory {
  attempt: number;
  /** The attempt's memory as the worker last measured it (bytes). */
  bytes: number;
  /** Its limit (WORKER_JOB_MEMORY_MB, bytes). */
  limit: number;
  /** Set once the worker began stopping the attempt for going past its limit. */
  contained?: boolean;
}

// Writes (or, with '', removes) the attempt's memory note, only while ARGV[1] owns the job.
const ATTEMPT_MEMORY = `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('HDEL', KEYS[1], 'attempt_memory') else redis.call('HSET', KEYS[1], 'attempt_memory', ARGV[2]) end
return 1
`;

/**
 * Notes an attempt's memory on the job record while `owner` owns it; `null` removes the note when
 * the attempt ends in its worker's hands. A note left behind means the worker process died.
 */
export async function noteAttemptMemory(
  redis: Redis,
  prefix: string,
  jobId: string,
  owner: string,
  note: AttemptMemory | null,
): Promise<void> {
  await redis.eval(ATTEMPT_MEMORY, 1, keys.job(prefix, jobId), owner, note ? JSON.stringify(note) : '');
}

/**
 * Whether the job took its last worker down: that attempt's note is still on the live record (its
 * worker never finished it) and says it was being contained or had used at least `fraction` of
 * its memory limit. Returns the reason, or null (no note: an external kill, which is resumed).
 */
export async function lostToItsMemory(
  redis: Redis,
  prefix: string,
  jobId: string,
  fraction: number,
): Promise<string | null> {
  const [status, raw] = await redis.hmget(keys.job(prefix, jobId), 'status', 'attempt_memory');
  if (!raw || status === 'succeeded' || status === 'failed' || status === 'cancelled') return null;
  const note = JSON.parse(raw) as AttemptMemory;
  if (!note.contained && note.bytes < fraction * note.limit) return null;
  const mb = (b: number) => Math.round(b / 2 ** 20);
  return `the worker running attempt ${note.attempt} died while the job ${note.contained ? 'was being stopped for going past' : 'was near'} its memory limit (${mb(note.bytes)} MB of ${mb(note.limit)} MB); a job that takes its worker down is not retried`;
}
