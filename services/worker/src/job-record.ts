import type { Redis } from 'ioredis';
import { finishJobCall, type JobEvent } from '@trainyard/contracts';

export type TerminalEvent = Extract<JobEvent, { type: 'completed' | 'failed' | 'cancelled' }>;

/**
 * Ends a job with exactly one terminal event (record, stream and status index in one script);
 * returns false when it had already ended. Whichever of the thread (normal end) or the main
 * thread (a crash BullMQ gave up on) comes second changes nothing.
 */
export async function finishJob(redis: Redis, prefix: string, tenant: string, jobId: string, event: TerminalEvent): Promise<boolean> {
  return (await redis.eval(...finishJobCall(prefix, tenant, jobId, event))) === 1;
}
