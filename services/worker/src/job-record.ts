import type { Redis } from 'ioredis';
import { keys, type JobEvent, type JobStatus } from '@trainyard/contracts';

// Writes the terminal status and the terminal event together, once: whichever of the thread
// (normal end) or the main thread (a crash BullMQ gave up on) comes second changes nothing.
const FINISH = `
local s = redis.call('HGET', KEYS[1], 'status')
if not s or s == 'succeeded' or s == 'failed' or s == 'cancelled' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'finished_at', ARGV[2])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'metrics', ARGV[5]) end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'error', ARGV[6]) end
redis.call('XADD', KEYS[2], '*', 'type', ARGV[3], 'data', ARGV[4])
return 1
`;

type TerminalEvent = Extract<JobEvent, { type: 'completed' | 'failed' | 'cancelled' }>;

const STATUS_OF: Record<TerminalEvent['type'], JobStatus> = { completed: 'succeeded', failed: 'failed', cancelled: 'cancelled' };

/** Ends a job with exactly one terminal event; returns false when it had already ended. */
export async function finishJob(redis: Redis, prefix: string, jobId: string, event: TerminalEvent): Promise<boolean> {
  const metrics = event.type === 'completed' ? JSON.stringify(event.metrics) : '';
  const error = event.type === 'failed' ? JSON.stringify(event.error) : '';
  const done = await redis.eval(
    FINISH,
    2,
    keys.job(prefix, jobId),
    keys.events(prefix, jobId),
    STATUS_OF[event.type],
    new Date().toISOString(),
    event.type,
    JSON.stringify(event),
    metrics,
    error,
  );
  return done === 1;
}
