// Output size and padding of a 2-D window over NHWC data, with TensorFlow's rules (shared by
// convolution and pooling so both agree on `same` padding to the pixel).
import { TensorError } from '../errors.js';
import { formatShape } from '../shape.js';

/** `same` pads so that out = ceil(in / stride); `valid` uses only whole windows. */
export type Padding = 'same' | 'valid';

/** Everything a conv/pool kernel needs to map output pixels to input pixels. */
export interface WindowGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilH: number;
  dilW: number;
  /** Rows/columns of implicit zero padding before the input (TF: floor(total / 2)). */
  padTop: number;
  padLeft: number;
}

/** A number for both axes, or [height, width]. */
export type Pair = number | readonly [number, number];

/** Expands a Pair and checks every entry is a positive integer. */
export function pair(v: Pair, what: string): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isSafeInteger(x) && x > 0)) {
    throw new TensorError('TENSOR_INVALID_ARGUMENT', `${what} must be positive integers, got ${JSON.stringify(v)}`);
  }
  return p;
}

// keras-formats.md §2.3: valid out = floor((in - effK) / s) + 1; same out = ceil(in / s) with
// the odd padding pixel after (bottom/right).
function axis(size: number, k: number, s: number, d: number, padding: Padding): [out: number, before: number] {
  const effK = (k - 1) * d + 1;
  if (padding === 'valid') return [size >= effK ? Math.floor((size - effK) / s) + 1 : 0, 0];
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + effK - size, 0);
  return [out, Math.floor(total / 2)];
}

/** Geometry of a kH×kW window over an NHWC tensor; throws on a bad rank, padding or empty output. */
export function windowGeometry(
  op: string,
  inShape: readonly number[],
  kH: number,
  kW: number,
  strides: Pair,
  padding: Padding,
  dilations: Pair = 1,
): WindowGeometry {
  if (inShape.length !== 4) {
    throw new TensorError('TENSOR_INVALID_SHAPE', `${op} needs NHWC input of rank 4, got ${formatShape(inShape)}`);
  }
  if (padding !== 'same' && padding !== 'valid') {
    throw new TensorError(
      'TENSOR_INVALID_ARGUMENT',
      `${op} padding must be "same" or "valid", got ${JSON.stringify(padding)}`,
    );
  }
  const [strideH, strideW] = pair(strides, `${op} strides`);
  const [dilH, dilW] = pair(dilations, `${op} dilations`);
  const [batch, inH, inW, inC] = inShape;
  const [outH, padTop] = axis(inH, kH, strideH, dilH, padding);
  const [outW, padLeft] = axis(inW, kW, strideW, dilW, padding);
  if (outH === 0 || outW === 0) {
    throw new TensorError(
      'TENSOR_INVALID_SHAPE',
      `${op} window ${kH}x${kW} (dilation ${dilH}x${dilW}) does not fit input ${formatShape(inShape)} with valid padding`,
    );
  }
  return { batch, inH, inW, inC, outH, outW, kH, kW, strideH, strideW, dilH, dilW, padTop, padLeft };
}
