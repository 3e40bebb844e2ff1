// Config readers and size arithmetic shared by the 2-D window layers (Conv2D, pooling).
import type { ConfigReader } from '../config/reader.js';
import type { SymbolicShape } from './layer.js';

/** Reads an int or an int list of length `n` (Keras accepts both for kernel_size, strides, …) as a list. */
export function readInts(
  r: ConfigReader,
  key: string,
  fallback: number | number[] | undefined,
  n: number,
  min = 1,
): number[] {
  const raw = r.config[key] ?? fallback;
  const list = typeof raw === 'number' ? new Array<number>(n).fill(raw) : raw;
  if (
    !Array.isArray(list) ||
    list.length !== n ||
    !list.every((v) => Number.isSafeInteger(v) && (v as number) >= min)
  ) {
    r.fail(key, `${key} must be an integer ≥ ${min} or a list of ${n} such integers, got ${JSON.stringify(raw)}`);
  }
  return list as number[];
}

/** Reads `padding` ("valid" or "same"; Keras's "causal" is Conv1D-only). */
export function readPadding(r: ConfigReader): 'valid' | 'same' {
  const p = r.string('padding', 'valid').toLowerCase();
  if (p !== 'valid' && p !== 'same') r.fail('padding', `padding must be "valid" or "same", got ${JSON.stringify(p)}`);
  return p;
}

/** Reads `data_format`; only channels_last (NHWC) is implemented. */
export function readDataFormat(r: ConfigReader, what: string): 'channels_last' {
  const f = r.string('data_format', 'channels_last');
  if (f !== 'channels_last')
    r.fail(
      'data_format',
      `${what}: data_format "${f}" is not supported (channels_last only); transpose the input to NHWC instead`,
    );
  return f;
}

/** Output size of one spatial axis (keras-formats.md §2.3); ≤ 0 means the window does not fit. */
export function windowOutSize(
  size: number,
  k: number,
  stride: number,
  dilation: number,
  padding: 'valid' | 'same',
): number {
  if (padding === 'same') return Math.ceil(size / stride);
  return Math.floor((size - ((k - 1) * dilation + 1)) / stride) + 1;
}

/** The [h, w, c] of a rank-4 NHWC symbolic shape, or undefined if it is not one with known dims. */
export function imageDims(shape: SymbolicShape): [number, number, number] | undefined {
  if (shape.length !== 4) return undefined;
  const [, h, w, c] = shape;
  return h === null || w === null || c === null ? undefined : [h, w, c];
}
