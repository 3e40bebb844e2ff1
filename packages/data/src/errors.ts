/** Error codes raised by @trainyard/data; the api maps every DATASET_* code to a 4xx. */
export type DataErrorCode =
  | 'DATASET_INVALID'
  | 'DATASET_SHAPE_MISMATCH'
  | 'DATASET_NON_FINITE'
  | 'DATASET_LABEL_OUT_OF_RANGE'
  | 'DATASET_UNKNOWN_BUILTIN'
  | 'DATASET_INVALID_OPTION'
  | 'DATASET_NOT_INSTALLED'
  | 'DATASET_TOO_LARGE'
  | 'DATASET_CORRUPT'
  | 'DATASET_INVALID_CSV'
  | 'DATASET_INVALID_NPY'
  | 'DATASET_INVALID_JSON';

/** A dataset error: `code` for machines, a message naming the offending path or option for people. */
export class DataError extends Error {
  readonly code: DataErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: DataErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'DataError';
    this.code = code;
    this.details = details;
    // Keeps instanceof working even if a consumer down-levels classes to ES5.
    Object.setPrototypeOf(this, new.target.prototype);
  }
}
