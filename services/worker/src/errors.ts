/** A failure caused by the job itself (its spec or its data): retrying cannot help. */
export class TrainingError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'TrainingError';
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

// Errors from the engine (SPEC_*, TENSOR_*) and data (DATASET_*) packages are the user's doing, as is
// running past the job's own time budget (JOB_TIMEOUT) or memory limit (RESOURCE_LIMIT).
const USER_CODE = /^((SPEC|TENSOR|DATASET|TRAINING)_[A-Z0-9_]+|JOB_TIMEOUT|RESOURCE_LIMIT)$/;

/** True when an error is the job's own fault, so it must fail now and never be retried. */
export function isUserError(err: unknown): err is Error & { code: string } {
  const code: unknown = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && USER_CODE.test(code);
}
