/** The abort reason the worker gives its running jobs when it shuts down (not a user's cancel). */
export const SHUTDOWN_REASON = 'worker shutting down';

/** The abort reason of a user's cancel, heard on pub/sub or read from the job's record. */
export const CANCEL_REASON = 'cancelled by request';

/** True when `signal` was aborted because the worker is shutting down. */
export function isShutdown(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && signal.reason === SHUTDOWN_REASON;
}

/**
 * Thrown in the training thread when a shutdown interrupted its job: the parent gives the job
 * back to the queue without spending one of its attempts (BullMQ's moveToWait, then WaitingError),
 * and another worker takes it at once and resumes from its last checkpoint.
 */
export class HandBack extends Error {
  constructor() {
    super('handed back to the queue: the worker is shutting down');
    this.name = 'HandBack';
  }
}
