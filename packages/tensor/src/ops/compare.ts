// The six comparisons are one op family: same broadcasting, same 0/1 float32 output, no
// gradient (they are step functions). They share this file rather than six near-identical ones.
import { mapBinary, type BinaryFn } from '../kernels/elementwise.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { asTensor, contiguousData, type TensorLike } from './util.js';

function compare(a: TensorLike, b: TensorLike, f: BinaryFn): Tensor {
  const x = asTensor(a);
  const y = asTensor(b);
  const shape = broadcastShapes(x.shape, y.shape);
  return new Tensor(mapBinary(contiguousData(x), x.shape, contiguousData(y), y.shape, shape, f), shape);
}

const EQ: BinaryFn = (x, y) => (x === y ? 1 : 0);
const NE: BinaryFn = (x, y) => (x !== y ? 1 : 0);
const LT: BinaryFn = (x, y) => (x < y ? 1 : 0);
const LE: BinaryFn = (x, y) => (x <= y ? 1 : 0);
const GT: BinaryFn = (x, y) => (x > y ? 1 : 0);
const GE: BinaryFn = (x, y) => (x >= y ? 1 : 0);

/** 1 where a == b, else 0 (float32 mask, broadcasting). Not differentiable. */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  return compare(a, b, EQ);
}

/** 1 where a != b, else 0 (NaN != NaN is 1, as IEEE). Not differentiable. */
export function notEqual(a: TensorLike, b: TensorLike): Tensor {
  return compare(a, b, NE);
}

/** 1 where a < b, else 0. Not differentiable. */
export function less(a: TensorLike, b: TensorLike): Tensor {
  return compare(a, b, LT);
}

/** 1 where a <= b, else 0. Not differentiable. */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor {
  return compare(a, b, LE);
}

/** 1 where a > b, else 0. Not differentiable. */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return compare(a, b, GT);
}

/** 1 where a >= b, else 0. Not differentiable. */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  return compare(a, b, GE);
}
