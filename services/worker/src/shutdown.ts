import { WaitingError, type SandboxedJob } from 'bullmq';

/** The abort reason the worker gives its running jobs when it shuts down (not a user's cancel). */
export const SHUTDOWN_REASON = 'worker shutting down';

/** True when `signal` was aborted because the worker is shutting down. */
export function isShutdown(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && signal.reason === SHUTDOWN_REASON;
}

/**
 * Gives an interrupted job back to the queue without spending one of its attempts: another
 * worker takes it at once and resumes from its last checkpoint. Throws BullMQ's WaitingError,
 * which tells the worker the job has moved on, so it neither completes nor fails it.
 */
export async function handBack(job: SandboxedJob, token: string | undefined): Promise<never> {
  await job.moveToWait(token);
  throw new WaitingError();
}
