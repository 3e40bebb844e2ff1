import { NnError, type NnErrorCode, type NnErrorDetails } from '../errors.js';

/** A plain JSON object. */
export type JsonObject = Record<string, unknown>;

/** True for non-null, non-array objects. */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
  /** Lower bound excluded. */
  above?: number;
  /** Upper bound excluded. */
  below?: number;
}

/**
 * Reads typed fields from one config object and reports bad values with the exact path,
 * e.g. `/config/layers/2/config/units`, plus the layer name and index when known.
 */
export class ConfigReader {
  constructor(
    readonly config: JsonObject,
    readonly path: string,
    readonly where: NnErrorDetails = {},
    readonly code: NnErrorCode = 'SPEC_INVALID_LAYER_CONFIG',
  ) {}

  /** Throws `code` (default this reader's) about `key`. */
  fail(key: string, message: string, code: NnErrorCode = this.code): never {
    const prefix = this.where.layer !== undefined ? `layer "${this.where.layer}" (index ${this.where.index}): ` : '';
    throw new NnError(code, `${prefix}${message}`, { ...this.where, path: `${this.path}/${key}` });
  }

  has(key: string): boolean {
    return this.config[key] !== undefined && this.config[key] !== null;
  }

  number(key: string, fallback: number | undefined, rule: NumberRule = {}): number {
    const v = this.config[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v))
      this.fail(key, `${key} must be a finite number, got ${JSON.stringify(v)}`);
    if (rule.integer && !Number.isSafeInteger(v)) this.fail(key, `${key} must be an integer, got ${v}`);
    const bad =
      (rule.min !== undefined && v < rule.min) ||
      (rule.max !== undefined && v > rule.max) ||
      (rule.above !== undefined && v <= rule.above) ||
      (rule.below !== undefined && v >= rule.below);
    if (bad) this.fail(key, `${key} is out of range, got ${v}`);
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.config[key] ?? fallback;
    if (typeof v !== 'boolean') this.fail(key, `${key} must be a boolean, got ${JSON.stringify(v)}`);
    return v;
  }

  string(key: string, fallback: string): string {
    const v = this.config[key] ?? fallback;
    if (typeof v !== 'string') this.fail(key, `${key} must be a string, got ${JSON.stringify(v)}`);
    return v;
  }

  /** Fails unless each key is absent or null (features we do not support yet). */
  unsupported(keys: readonly string[], what: string): void {
    for (const key of keys) {
      if (this.has(key) && this.config[key] !== false) this.fail(key, `${key} is not supported yet (${what})`);
    }
  }
}
