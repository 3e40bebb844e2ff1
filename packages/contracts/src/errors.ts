import { Type, type Static } from 'typebox';
import { later, ours, refused, type ErrorCatalogue } from './coded-error.js';

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
 * The api's error catalogue: code → HTTP status and traits. The engine's codes (SPEC_*, TENSOR_*)
 * and the data package's (DATASET_*) are in those packages' own catalogues.
 */
export const API_ERRORS = {
  VALIDATION_FAILED: refused(400),
  INVALID_JSON: refused(400),
  INVALID_BODY: refused(400),
  BODY_TOO_DEEP: refused(400),
  INVALID_URL: refused(400),
  URI_TOO_LONG: refused(414),
  HEADERS_TOO_LARGE: refused(431),
  REQUEST_TIMEOUT: later(408),
  BAD_REQUEST: refused(400),
  INVALID_LAST_EVENT_ID: refused(400),
  UNAUTHENTICATED: refused(401),
  INVALID_API_KEY: refused(401),
  FORBIDDEN: refused(403),
  RATE_LIMITED: later(429),
  TOO_MANY_ACTIVE_JOBS: later(429),
  JOB_TOO_LARGE: refused(400),
  JOB_MEMORY_TOO_LARGE: refused(400),
  JOB_COMPUTE_TOO_LARGE: refused(400),
  JOB_TIMEOUT_TOO_LONG: refused(400),
  BODY_TOO_LARGE: refused(413),
  UNSUPPORTED_MEDIA_TYPE: refused(415),
  NOT_FOUND: refused(404),
  JOB_NOT_FOUND: refused(404),
  DATASET_NOT_FOUND: refused(404),
  DATASET_TOO_LARGE: refused(413),
  DATASET_URL_REFUSED: refused(400),
  DATASET_FETCH_FAILED: refused(400),
  DATASET_FETCH_TIMEOUT: refused(400),
  DATASET_UPLOAD_TRUNCATED: refused(400),
  INVALID_CURSOR: refused(400),
  JOB_ALREADY_FINISHED: refused(409),
  JOB_NOT_FINISHED: refused(409),
  MODEL_NOT_READY: refused(409),
  MODEL_NOT_FOUND: refused(404),
  PREDICT_INVALID_INPUT: refused(400),
  PREDICT_TOO_MANY_SAMPLES: refused(413),
  PREDICT_UNSUPPORTED_MODEL: refused(422),
  PREDICT_TOO_EXPENSIVE: refused(400),
  PREDICT_BUSY: later(429),
  PREDICT_TIMEOUT: refused(422),
  /** A stored model that cannot be loaded: the model is broken, not the request. */
  MODEL_INVALID: refused(422),
  IDEMPOTENCY_KEY_REUSED: refused(422),
  SPEC_TOO_LARGE: refused(400),
  SWEEP_INVALID_PARAMETER: refused(400),
  SWEEP_TOO_MANY_TRIALS: refused(400),
  SWEEP_UNKNOWN_METRIC: refused(400),
  SWEEP_NOT_FOUND: refused(404),
  SWEEP_ALREADY_FINISHED: refused(409),
  INTERNAL: ours(500),
  /** A known state of ours (Redis unreachable, shutting down), with a message written for the caller. */
  SERVICE_UNAVAILABLE: ours(503),
} as const satisfies ErrorCatalogue;
export type ApiErrorCode = keyof typeof API_ERRORS;
