import { CodedError, refused, type ErrorCatalogue } from '@trainyard/contracts/errors';

/** The codes @trainyard/nn raises, all the caller's doing (the model spec, fit options, weights): 400. */
export const NN_ERRORS = {
  SPEC_INVALID_MODEL: refused(400),
  SPEC_UNKNOWN_LAYER: refused(400),
  SPEC_INVALID_LAYER_CONFIG: refused(400),
  SPEC_UNKNOWN_ACTIVATION: refused(400),
  SPEC_SHAPE_MISMATCH: refused(400),
  SPEC_UNKNOWN_OPTIMIZER: refused(400),
  SPEC_INVALID_OPTIMIZER_CONFIG: refused(400),
  SPEC_UNKNOWN_LOSS: refused(400),
  SPEC_UNKNOWN_METRIC: refused(400),
  /** A known metric with a config out of bounds (e.g. AUC num_thresholds above MAX_AUC_THRESHOLDS). */
  SPEC_INVALID_METRIC_CONFIG: refused(400),
  SPEC_INCOMPATIBLE_TARGETS: refused(400),
  SPEC_INVALID_FIT_CONFIG: refused(400),
  SPEC_NOT_COMPILED: refused(400),
  /** A weights file (manifest or bytes) does not fit the model: missing, extra, misshapen or truncated. */
  SPEC_INVALID_WEIGHTS: refused(400),
  /** A checkpoint is malformed or was saved from a different model or optimizer. */
  SPEC_INVALID_CHECKPOINT: refused(400),
} as const satisfies ErrorCatalogue;
export type NnErrorCode = keyof typeof NN_ERRORS;

/** Where in the spec an error points: layer name and index, and a JSON-pointer-ish `path`. */
export interface NnErrorDetails extends Record<string, unknown> {
  layer?: string;
  index?: number;
  path?: string;
}

/** A typed spec/training error; `details.path` points into the submitted config. */
export class NnError extends CodedError<NnErrorCode> {
  declare readonly details: NnErrorDetails;

  constructor(code: NnErrorCode, message: string, details: NnErrorDetails = {}) {
    super(code, message, NN_ERRORS[code], details);
  }
}
