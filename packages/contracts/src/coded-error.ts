// The base of every error class in the workspace. This module imports nothing, so the engine
// packages (tensor, nn, data) extend it through `@trainyard/contracts/errors` without loading
// TypeBox or the api's schemas.

/**
 * What a code means beyond its name: the HTTP status it answers with, whether the caller caused
 * it (the request or job as sent is refused) and whether trying again unchanged may succeed.
 */
export interface ErrorTraits {
  readonly status: number;
  readonly userFault: boolean;
  readonly retryable: boolean;
}

/** One package's codes with their traits (STYLE.md: one error catalogue per package). */
export type ErrorCatalogue<C extends string = string> = { readonly [K in C]: ErrorTraits };

/** The caller's doing, refused as sent: the same request or job fails the same way again. */
export function refused(status: number): ErrorTraits {
  return { status, userFault: true, retryable: false };
}

/** The caller's doing, but passing: the same request may succeed later (a rate limit, a busy pool). */
export function later(status: number): ErrorTraits {
  return { status, userFault: true, retryable: true };
}

/** Our own fault or a dependency's (5xx): another attempt may not meet it. */
export function ours(status = 500): ErrorTraits {
  return { status, userFault: false, retryable: true };
}

/** A coded error as it crosses a thread or process (postMessage keeps no class). */
export interface CodedErrorJSON extends ErrorTraits {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/** An error with a catalogue code, its traits and details (e.g. `details.path` into the request). */
export class CodedError<C extends string = string> extends Error implements ErrorTraits {
  readonly status: number;
  readonly userFault: boolean;
  readonly retryable: boolean;

  constructor(
    readonly code: C,
    message: string,
    traits: ErrorTraits,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.status = traits.status;
    this.userFault = traits.userFault;
    this.retryable = traits.retryable;
    // Keeps instanceof working even if a consumer down-levels classes to ES5.
    Object.setPrototypeOf(this, new.target.prototype);
  }

  /** The fields that cross a thread boundary; `CodedError.fromJSON` makes an error of them again. */
  toJSON(): CodedErrorJSON {
    const { code, message, details, status, userFault, retryable } = this;
    return { code, message, details, status, userFault, retryable };
  }

  /** The error another thread serialised with `toJSON`, with the traits it was thrown with. */
  static fromJSON(json: CodedErrorJSON): CodedError {
    return new CodedError(json.code, json.message, json, json.details);
  }
}
