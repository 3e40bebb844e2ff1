import type { Redis } from 'ioredis';
import { finishJobCall, type JobEvent } from '@trainyard/contracts';
import { FencedError } from './errors.js';

export type TerminalEvent = Extract<JobEvent, { type: 'completed' | 'failed' | 'cancelled' }>;

/**
 * Ends a job with exactly one terminal event (record, stream and status index in one script);
 * returns false when it had already ended. Whichever of the thread (normal end) or the main
 * thread (a crash BullMQ gave up on) comes second changes nothing. With an `owner` token (a
 * training thread's), throws FencedError when another attempt has taken the job over.
 */
export async function finishJob(redis: Redis, prefix: string, tenant: string, jobId: string, event: TerminalEvent, owner = ''): Promise<boolean> {
  const r = await redis.eval(...finishJobCall(prefix, tenant, jobId, event, owner));
  if (r === 2) throw new FencedError(jobId);
  return r === 1;
}
