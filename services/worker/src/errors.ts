import { CodedError, refused, type ErrorCatalogue } from '@trainyard/contracts';

/**
 * The codes the worker ends a job with, all the job's own doing and never retried. They reach
 * callers only inside a job's failed event, never as an HTTP answer; 422 says what they are.
 */
export const TRAINING_ERRORS = {
  /** The loss became NaN or infinite. */
  TRAINING_DIVERGED: refused(422),
  /** The job ran past its own time budget. */
  JOB_TIMEOUT: refused(422),
  /** The job outgrew its memory limit (V8's, the MemoryGuard's, or the kernels' WebAssembly memory). */
  RESOURCE_LIMIT: refused(422),
} as const satisfies ErrorCatalogue;
export type TrainingErrorCode = keyof typeof TRAINING_ERRORS;

/** A failure caused by the job itself (its spec or its data): retrying cannot help. */
export class TrainingError extends CodedError<TrainingErrorCode> {
  constructor(code: TrainingErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, TRAINING_ERRORS[code], details);
  }
}

/**
 * This attempt no longer owns its job: its lock expired and another attempt started it since (the
 * job record's owner token changed). The attempt must stop writing and end quietly.
 */
export class FencedError extends Error {
  constructor(jobId: string) {
    super(`job ${jobId} was taken over by another attempt`);
    this.name = 'FencedError';
  }
}

/**
 * The job has ended failed, its terminal event written, for a reason a retry cannot help (a user
 * error, its time budget): the parent fails the BullMQ job with UnrecoverableError. The message
 * starts with the code.
 */
export class JobFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobFailed';
  }
}

/**
 * True when the job must fail now and never be retried: the job's own fault (its spec, data or
 * budget) that a retry cannot mend, e.g. an NnError, a DataError or a TrainingError. Anything
 * else, uncoded (Redis, a crash) or a fault of ours, goes back to BullMQ for another attempt.
 */
export function failsForGood(err: unknown): err is CodedError {
  return err instanceof CodedError && err.userFault && !err.retryable;
}
