import type { Redis } from 'ioredis';
import {
  endJob,
  keys,
  noteAttemptMemory as writeAttemptMemory,
  type AttemptMemory,
  type TerminalEvent,
} from '@trainyard/store';
import { isTerminalStatus } from '@trainyard/contracts';
import { FencedError } from './errors.js';

export type { AttemptMemory, TerminalEvent };

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
  const r = await endJob(redis, { prefix, tenant, id: jobId }, event, owner);
  if (r === 2) throw new FencedError(jobId);
  return r === 1;
}

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
  await writeAttemptMemory(redis, { prefix, id: jobId }, owner, note);
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
  if (!raw || isTerminalStatus(status)) return null;
  const note = JSON.parse(raw) as AttemptMemory;
  if (!note.contained && note.bytes < fraction * note.limit) return null;
  const mb = (b: number) => Math.round(b / 2 ** 20);
  return `the worker running attempt ${note.attempt} died while the job ${note.contained ? 'was being stopped for going past' : 'was near'} its memory limit (${mb(note.bytes)} MB of ${mb(note.limit)} MB); a job that takes its worker down is not retried`;
}
