import { Type, type Static } from 'typebox';

/** The one error envelope every 4xx/5xx answer carries. */
export const ErrorEnvelope = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code, e.g. SPEC_UNKNOWN_LAYER' }),
      message: Type.String({ description: 'What went wrong, for a person' }),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  {
    description: 'Error envelope',
    examples: [
      {
        error: {
          code: 'SPEC_UNKNOWN_LAYER',
          message: 'Unknown layer class "Lambda" at /model/config/layers/1',
          details: { path: '/model/config/layers/1/class_name' },
        },
      },
    ],
  },
);
export type ErrorEnvelope = Static<typeof ErrorEnvelope>;

/**
 * The api's error catalogue: code → HTTP status. Codes raised by the engine (SPEC_*, TENSOR_*)
 * and the data package (DATASET_*) are mapped by prefix in `statusForCode`.
 */
export const API_ERRORS = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  INVALID_BODY: 400,
  BODY_TOO_DEEP: 400,
  INVALID_URL: 400,
  URI_TOO_LONG: 414,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  BAD_REQUEST: 400,
  INVALID_LAST_EVENT_ID: 400,
  UNAUTHENTICATED: 401,
  INVALID_API_KEY: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  TOO_MANY_ACTIVE_JOBS: 429,
  JOB_TOO_LARGE: 400,
  JOB_MEMORY_TOO_LARGE: 400,
  JOB_COMPUTE_TOO_LARGE: 400,
  JOB_TIMEOUT_TOO_LONG: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  JOB_NOT_FOUND: 404,
  DATASET_NOT_FOUND: 404,
  DATASET_TOO_LARGE: 413,
  DATASET_URL_REFUSED: 400,
  DATASET_FETCH_FAILED: 400,
  DATASET_UPLOAD_TRUNCATED: 400,
  INVALID_CURSOR: 400,
  JOB_ALREADY_FINISHED: 409,
  JOB_NOT_FINISHED: 409,
  MODEL_NOT_READY: 409,
  MODEL_NOT_FOUND: 404,
  PREDICT_INVALID_INPUT: 400,
  PREDICT_TOO_MANY_SAMPLES: 413,
  PREDICT_UNSUPPORTED_MODEL: 422,
  PREDICT_TOO_EXPENSIVE: 400,
  PREDICT_BUSY: 429,
  PREDICT_TIMEOUT: 422,
  MODEL_INVALID: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  SPEC_TOO_LARGE: 400,
  SWEEP_INVALID_PARAMETER: 400,
  SWEEP_TOO_MANY_TRIALS: 400,
  SWEEP_UNKNOWN_METRIC: 400,
  SWEEP_NOT_FOUND: 404,
  SWEEP_ALREADY_FINISHED: 409,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;
export type ApiErrorCode = keyof typeof API_ERRORS;

/** HTTP status for any code in the system; unknown codes are our own fault (500). */
export function statusForCode(code: string): number {
  if (code in API_ERRORS) return API_ERRORS[code as ApiErrorCode];
  if (code === 'DATASET_NOT_INSTALLED') return 422;
  if (code.startsWith('SPEC_') || code.startsWith('DATASET_') || code.startsWith('TENSOR_')) return 400;
  return 500;
}
