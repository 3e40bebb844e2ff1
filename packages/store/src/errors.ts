import { CodedError, ours, type ErrorCatalogue } from '@trainyard/contracts/errors';

/** The codes @trainyard/store raises: keys are built from ids the services checked, so a bad one is our bug. */
export const STORE_ERRORS = {
  BLOB_INVALID_KEY: ours(500),
} as const satisfies ErrorCatalogue;
export type StoreErrorCode = keyof typeof STORE_ERRORS;

/** Thrown for a key outside the store's alphabet (no `..`, no globs, no leading `/`). */
export class BlobKeyError extends CodedError<StoreErrorCode> {
  constructor(key: string) {
    super(
      'BLOB_INVALID_KEY',
      `Invalid blob key ${JSON.stringify(key)}: use letters, digits and _ . - separated by /`,
      STORE_ERRORS.BLOB_INVALID_KEY,
      { key },
    );
  }
}
