import type { RawArray } from './arrays.js';
import { DataError } from './errors.js';
import { isGzip, parseIdx } from './idx.js';
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
  throw new DataError('DATASET_INVALID', `${source} is neither a NumPy .npy file nor an IDX file (plain or .gz)`, { path: source });
}
