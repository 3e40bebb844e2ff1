import { TensorError } from './errors.js';
import type { Rng } from './random.js';
import { assertShape, formatShape, sizeOf, type Shape } from './shape.js';
import { Tensor, type NestedArray } from './tensor.js';

/** Accepted tensor sources: a number, nested number arrays, or a flat Float32Array/number[] with a shape. */
export type TensorData = number | NestedArray | Float32Array;

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
 * Creates a tensor: `tensor([[1, 2], [3, 4]])`, `tensor([1, 2, 3, 4], [2, 2])`, `tensor(3)`.
 * A Float32Array is used without copying.
 */
export function tensor(data: TensorData, shape?: Shape, requiresGrad = false): Tensor {
  if (shape !== undefined) assertShape(shape);
  if (data instanceof Float32Array) return new Tensor(data, shape ?? [data.length], requiresGrad);
  if (typeof data === 'number') {
    const s = shape ?? [];
    return new Tensor(new Float32Array(sizeOf(s)).fill(data), s, requiresGrad);
  }
  const inferred = inferShape(data);
  const values = new Float32Array(sizeOf(inferred));
  flatten(data, inferred, 0, values, 0);
  if (shape === undefined) return new Tensor(values, inferred, requiresGrad);
  if (sizeOf(shape) !== values.length) {
    throw new TensorError('TENSOR_INVALID_DATA', `${values.length} values do not fill shape ${formatShape(shape)}`);
  }
  return new Tensor(values, shape, requiresGrad);
}

/** A rank-0 tensor. */
export function scalar(value: number, requiresGrad = false): Tensor {
  return new Tensor(new Float32Array([value]), [], requiresGrad);
}

/** A tensor filled with `value`. */
export function full(shape: Shape, value: number, requiresGrad = false): Tensor {
  assertShape(shape);
  return new Tensor(new Float32Array(sizeOf(shape)).fill(value), shape, requiresGrad);
}

/** A tensor of zeros. */
export function zeros(shape: Shape, requiresGrad = false): Tensor {
  assertShape(shape);
  return new Tensor(new Float32Array(sizeOf(shape)), shape, requiresGrad);
}

/** A tensor of ones. */
export function ones(shape: Shape, requiresGrad = false): Tensor {
  return full(shape, 1, requiresGrad);
}

/** Uniform samples in [low, high) from a seeded generator. */
export function randomUniform(shape: Shape, rng: Rng, low = 0, high = 1, requiresGrad = false): Tensor {
  const t = zeros(shape, requiresGrad);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniform(low, high);
  return t;
}

/** Normal samples N(mean, std²) from a seeded generator. */
export function randomNormal(shape: Shape, rng: Rng, mean = 0, std = 1, requiresGrad = false): Tensor {
  const t = zeros(shape, requiresGrad);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal(mean, std);
  return t;
}
