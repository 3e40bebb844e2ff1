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

// Errors from the engine (SPEC_*, TENSOR_*) and data (DATASET_*) packages are the user's doing.
const USER_CODE = /^(SPEC|TENSOR|DATASET|TRAINING)_[A-Z0-9_]+$/;

/** True when an error is the job's own fault, so it must fail now and never be retried. */
export function isUserError(err: unknown): err is Error & { code: string } {
  const code: unknown = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && USER_CODE.test(code);
}
