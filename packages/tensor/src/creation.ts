import { TensorError } from './errors.js';
import type { Rng } from './random.js';
import { assertShape, formatShape, sizeOf, type Shape } from './shape.js';
import { Tensor, type DType, type NestedArray } from './tensor.js';

/** Accepted tensor sources: a number, nested number arrays, or a flat typed array (with a shape). */
export type TensorData = number | NestedArray | Float32Array | Int32Array;

/** Creation options: the element type (default float32) and whether to track gradients. */
export interface CreateOptions<D extends DType = DType> {
  dtype?: D;
  requiresGrad?: boolean;
}

/** A float32 creation option: `requiresGrad` as a boolean (the original form) or an options object. */
export type FloatOptions = boolean | CreateOptions<'float32'>;
/** Asks for an int32 tensor. */
export type IntOptions = { dtype: 'int32'; requiresGrad?: false };

function readOptions(options: FloatOptions | CreateOptions | undefined): { dtype: DType; requiresGrad: boolean } {
  if (options === undefined || typeof options === 'boolean')
    return { dtype: 'float32', requiresGrad: options ?? false };
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'int32')
    throw new TensorError('TENSOR_DTYPE_MISMATCH', `unknown dtype ${String(dtype)}`);
  return { dtype, requiresGrad: options.requiresGrad ?? false };
}

// Wraps row-major values of either dtype; int32 values must be integers (no silent truncation).
function make(
  values: Float32Array | Int32Array | ArrayLike<number>,
  shape: Shape,
  o: { dtype: DType; requiresGrad: boolean },
): Tensor<DType> {
  if (o.dtype === 'int32') {
    if (values instanceof Int32Array) return new Tensor(values, shape, o.requiresGrad);
    const out = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
        throw new TensorError(
          'TENSOR_INVALID_DATA',
          `int32 tensor value ${v} at position ${i} is not a 32-bit integer`,
        );
      }
      out[i] = v;
    }
    return new Tensor(out, shape, o.requiresGrad);
  }
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  return new Tensor(data, shape, o.requiresGrad);
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

function flatten(data: NestedArray, shape: number[], axis: number, out: Float32Array, offset: number): number {
  if (axis === shape.length) {
    if (typeof data !== 'number') throw new TensorError('TENSOR_INVALID_DATA', 'nested arrays are ragged');
    out[offset] = data;
    return offset + 1;
  }
  if (!Array.isArray(data) || data.length !== shape[axis]) {
    throw new TensorError('TENSOR_INVALID_DATA', `nested arrays are ragged: expected shape ${formatShape(shape)}`);
  }
  for (const item of data) offset = flatten(item, shape, axis + 1, out, offset);
  return offset;
}

/**
 * Creates a tensor: `tensor([[1, 2], [3, 4]])`, `tensor([1, 2, 3, 4], [2, 2])`, `tensor(3)`,
 * `tensor([0, 2], undefined, { dtype: 'int32' })`. A typed array of the requested dtype is used
 * without copying; an Int32Array alone makes an int32 tensor.
 */
export function tensor(data: Int32Array, shape?: Shape): Tensor<'int32'>;
export function tensor(data: TensorData, shape: Shape | undefined, options: IntOptions): Tensor<'int32'>;
export function tensor(data: TensorData, shape?: Shape, options?: FloatOptions): Tensor;
export function tensor(data: TensorData, shape?: Shape, options?: FloatOptions | CreateOptions): Tensor<DType> {
  if (shape !== undefined) assertShape(shape);
  const o = readOptions(options);
  // Only a bare Int32Array keeps its dtype; any float32 options (as the overloads type them) convert it.
  if (data instanceof Int32Array && options === undefined) o.dtype = 'int32';
  if (data instanceof Float32Array || data instanceof Int32Array) {
    const s = shape ?? [data.length];
    if (sizeOf(s) !== data.length)
      throw new TensorError('TENSOR_INVALID_DATA', `${data.length} values do not fill shape ${formatShape(s)}`);
    return make(data, s, o);
  }
  if (typeof data === 'number') {
    const s = shape ?? [];
    return make(new Float32Array(sizeOf(s)).fill(data), s, o);
  }
  const inferred = inferShape(data);
  const values = new Float32Array(sizeOf(inferred));
  flatten(data, inferred, 0, values, 0);
  if (shape !== undefined && sizeOf(shape) !== values.length) {
    throw new TensorError('TENSOR_INVALID_DATA', `${values.length} values do not fill shape ${formatShape(shape)}`);
  }
  // Integers above 2^24 would be rounded by the float32 staging buffer, so int32 re-reads them.
  if (o.dtype === 'int32') return make(flatNumbers(data), shape ?? inferred, o);
  return make(values, shape ?? inferred, o);
}

function flatNumbers(data: NestedArray): number[] {
  return Array.isArray(data) ? (data.flat(Infinity as 1) as number[]) : [data];
}

/** A rank-0 tensor. */
export function scalar(value: number, requiresGrad = false): Tensor {
  return new Tensor(new Float32Array([value]), [], requiresGrad);
}

/** A tensor filled with `value`. */
export function full(shape: Shape, value: number, options: IntOptions): Tensor<'int32'>;
export function full(shape: Shape, value: number, options?: FloatOptions): Tensor;
export function full(shape: Shape, value: number, options?: FloatOptions | CreateOptions): Tensor<DType> {
  assertShape(shape);
  const o = readOptions(options);
  return make(new Float64Array(sizeOf(shape)).fill(value), shape, o);
}

/** A tensor of zeros. */
export function zeros(shape: Shape, options: IntOptions): Tensor<'int32'>;
export function zeros(shape: Shape, options?: FloatOptions): Tensor;
export function zeros(shape: Shape, options?: FloatOptions | CreateOptions): Tensor<DType> {
  assertShape(shape);
  const o = readOptions(options);
  const n = sizeOf(shape);
  return make(o.dtype === 'int32' ? new Int32Array(n) : new Float32Array(n), shape, o);
}

/** A tensor of ones. */
export function ones(shape: Shape, options: IntOptions): Tensor<'int32'>;
export function ones(shape: Shape, options?: FloatOptions): Tensor;
export function ones(shape: Shape, options?: FloatOptions | CreateOptions): Tensor<DType> {
  return full(shape, 1, options as FloatOptions);
}

/**
 * Evenly spaced values in [start, stop), as NumPy: `arange(5)` is 0…4, `arange(2, 10, 3)` is
 * [2, 5, 8], `arange(0, 1, 0.25)`; `arange(n, undefined, 1, { dtype: 'int32' })` for indices.
 */
export function arange(
  start: number,
  stop: number | undefined,
  step: number | undefined,
  options: IntOptions,
): Tensor<'int32'>;
export function arange(start: number, stop?: number, step?: number, options?: FloatOptions): Tensor;
export function arange(start: number, stop?: number, step = 1, options?: FloatOptions | CreateOptions): Tensor<DType> {
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !Number.isFinite(step) || step === 0) {
    throw new TensorError(
      'TENSOR_INVALID_ARGUMENT',
      `arange(${lo}, ${hi}, ${step}) needs finite bounds and a non-zero step`,
    );
  }
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = lo + i * step;
  return make(values, [n], readOptions(options));
}

/** An n×m matrix with ones on the diagonal (m defaults to n). */
export function eye(n: number, m: number | undefined, options: IntOptions): Tensor<'int32'>;
export function eye(n: number, m?: number, options?: FloatOptions): Tensor;
export function eye(n: number, m = n, options?: FloatOptions | CreateOptions): Tensor<DType> {
  assertShape([n, m]);
  const values = new Float64Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return make(values, [n, m], readOptions(options));
}

/** Uniform samples in [low, high) from a seeded generator. */
export function randomUniform(shape: Shape, rng: Rng, low = 0, high = 1, requiresGrad = false): Tensor {
  return sample(shape, requiresGrad, () => rng.uniform(low, high));
}

/** Normal samples N(mean, std²) from a seeded generator. */
export function randomNormal(shape: Shape, rng: Rng, mean = 0, std = 1, requiresGrad = false): Tensor {
  return sample(shape, requiresGrad, () => rng.normal(mean, std));
}

/** Normal samples N(mean, std²) truncated at 2σ: values beyond are redrawn (as tf.truncatedNormal). */
export function truncatedNormal(shape: Shape, rng: Rng, mean = 0, std = 1, requiresGrad = false): Tensor {
  return sample(shape, requiresGrad, () => rng.truncatedNormal(mean, std));
}

function sample(shape: Shape, requiresGrad: boolean, draw: () => number): Tensor {
  assertShape(shape);
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = draw();
  return new Tensor(data, shape, requiresGrad);
}
