/** Error codes raised by @trainyard/nn; all are caller errors (4xx) except where noted. */
export type NnErrorCode =
  | 'SPEC_INVALID_MODEL'
  | 'SPEC_UNKNOWN_LAYER'
  | 'SPEC_INVALID_LAYER_CONFIG'
  | 'SPEC_UNKNOWN_ACTIVATION'
  | 'SPEC_SHAPE_MISMATCH'
  | 'SPEC_UNKNOWN_OPTIMIZER'
  | 'SPEC_INVALID_OPTIMIZER_CONFIG'
  | 'SPEC_UNKNOWN_LOSS'
  | 'SPEC_UNKNOWN_METRIC'
  /** A known metric with a config out of bounds (e.g. AUC num_thresholds above MAX_AUC_THRESHOLDS). */
  | 'SPEC_INVALID_METRIC_CONFIG'
  | 'SPEC_INCOMPATIBLE_TARGETS'
  | 'SPEC_INVALID_FIT_CONFIG'
  | 'SPEC_NOT_COMPILED'
  /** A weights file (manifest or bytes) does not fit the model: missing, extra, misshapen or truncated. */
  | 'SPEC_INVALID_WEIGHTS'
  /** A checkpoint is malformed or was saved from a different model or optimizer. */
  | 'SPEC_INVALID_CHECKPOINT';

/** Where in the spec an error points: layer name and index, and a JSON-pointer-ish `path`. */
export interface NnErrorDetails extends Record<string, unknown> {
  layer?: string;
  index?: number;
  path?: string;
}

/** A typed spec/training error; `details.path` points into the submitted config. */
export class NnError extends Error {
  readonly code: NnErrorCode;
  readonly details: NnErrorDetails;

  constructor(code: NnErrorCode, message: string, details: NnErrorDetails = {}) {
    super(message);
    this.name = 'NnError';
    this.code = code;
    this.details = details;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}
