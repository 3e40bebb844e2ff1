import { expect } from 'vitest';
import { DataError } from '../errors.js';

/** Runs `fn` and checks it throws a DataError with this code and a message matching `message`; returns the error. */
export function expectDataError(fn: () => unknown, code: string, message?: RegExp): DataError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected ${code}`).toBeInstanceOf(DataError);
  const err = caught as DataError;
  expect(err.code, err.message).toBe(code);
  if (message) expect(err.message).toMatch(message);
  return err;
}

/** The async twin of expectDataError. */
export async function expectDataErrorAsync(
  promise: Promise<unknown>,
  code: string,
  message?: RegExp,
): Promise<DataError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toBeInstanceOf(DataError);
  expect((err as DataError).code, (err as DataError).message).toBe(code);
  if (message) expect((err as DataError).message).toMatch(message);
  return err as DataError;
}
