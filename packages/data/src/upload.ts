import type { RawArray } from './arrays.js';
import { DataError } from './errors.js';
import { inflateIdx, isGzip, parseIdx, parsePlainIdx } from './idx.js';
import { parseNpy } from './npy.js';

/** The binary array formats an upload may use, told apart by their first bytes. */
export type ArrayFormat = 'npy' | 'idx' | 'idx.gz';

/** Detects the format of one uploaded array file. */
export function arrayFormat(bytes: Uint8Array): ArrayFormat | undefined {
  if (bytes.length >= 6 && bytes[0] === 0x93 && bytes[1] === 0x4e && bytes[2] === 0x55) return 'npy';
  if (isGzip(bytes)) return 'idx.gz';
  if (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0) return 'idx';
  return undefined;
}

/** Parses one uploaded array: NumPy .npy, or IDX plain or gzipped (as MNIST ships). */
export function parseArrayFile(bytes: Uint8Array, source: string): RawArray & { format: ArrayFormat } {
  const format = arrayFormat(bytes);
  if (format === 'npy') return { ...parseNpy(bytes, source), format };
  if (format) return { ...parseIdx(bytes, source), format };
  throw new DataError('DATASET_INVALID', `${source} is neither a NumPy .npy file nor an IDX file (plain or .gz)`, {
    path: source,
  });
}

/**
 * Parses one uploaded array as parseArrayFile does, but inflates a gzipped file off the event loop,
 * refusing one whose header declares more than `maxBytes` (DATASET_TOO_LARGE) and never inflating
 * past that; `bytes` is the file's size once inflated.
 */
export async function readArrayFile(
  input: Uint8Array,
  source: string,
  maxBytes: number,
): Promise<RawArray & { format: ArrayFormat; bytes: number }> {
  if (!isGzip(input)) return { ...parseArrayFile(input, source), bytes: input.length };
  const bytes = await inflateIdx(input, source, maxBytes);
  return { ...parsePlainIdx(bytes, source), format: 'idx.gz', bytes: bytes.length };
}
