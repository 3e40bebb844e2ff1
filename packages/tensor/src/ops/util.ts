import { record } from '../autograd/engine.js';
import { Tensor } from '../tensor.js';

/** A tensor, or a number used as a rank-0 tensor. */
export type TensorLike = Tensor | number;

/** Wraps numbers as rank-0 constants. */
export function asTensor(x: TensorLike): Tensor {
  return typeof x === 'number' ? new Tensor(new Float32Array([x]), []) : x;
}

/** Builds an element-wise op: `forward` per value, `backward(g, x, y)` returns dL/dx given y = f(x). */
export function unaryOp(
  name: string,
  input: TensorLike,
  forward: (v: number) => number,
  backward: (g: Float32Array, x: Float32Array, y: Float32Array) => Float32Array,
): Tensor {
  const x = asTensor(input);
  const src = x.data;
  const data = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) data[i] = forward(src[i]);
  const out = new Tensor(data, x.shape);
  return record(out, name, [x], (g) => [backward(g, src, data)]);
}

/**
 * The values of `x` as one contiguous row-major Float32Array. Every op reads its inputs
 * through this, so that tensors which are views (strided, offset) work everywhere.
 */
export function contiguousData(x: Tensor): Float32Array {
  return x.data;
}
