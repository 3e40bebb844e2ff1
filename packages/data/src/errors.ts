import { CodedError, refused, type ErrorCatalogue } from '@trainyard/contracts/errors';

/** The codes @trainyard/data raises, all the caller's doing (the dataset or its options). */
export const DATA_ERRORS = {
  DATASET_INVALID: refused(400),
  DATASET_SHAPE_MISMATCH: refused(400),
  DATASET_NON_FINITE: refused(400),
  DATASET_LABEL_OUT_OF_RANGE: refused(400),
  DATASET_UNKNOWN_BUILTIN: refused(400),
  DATASET_INVALID_OPTION: refused(400),
  /** A known builtin whose files this host does not have. */
  DATASET_NOT_INSTALLED: refused(422),
  DATASET_TOO_LARGE: refused(413),
  DATASET_CORRUPT: refused(400),
  DATASET_INVALID_CSV: refused(400),
  DATASET_INVALID_NPY: refused(400),
  DATASET_INVALID_JSON: refused(400),
} as const satisfies ErrorCatalogue;
export type DataErrorCode = keyof typeof DATA_ERRORS;

/** A dataset error: `code` for machines, a message naming the offending path or option for people. */
export class DataError extends CodedError<DataErrorCode> {
  constructor(code: DataErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, DATA_ERRORS[code], details);
  }
}
