import { record } from '../autograd/engine.js';
import { TensorError } from '../errors.js';
import { formatShape } from '../shape.js';
import { Tensor, type BackwardFn, type DType, type DataOf } from '../tensor.js';

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
  const src = contiguousData(x);
  const data = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) data[i] = forward(src[i]);
  const out = new Tensor(data, x.shape);
  return record(out, name, [x], (g) => [backward(g, src, data)]);
}

/**
 * The values of `x` as one contiguous row-major Float32Array. Every op reads its inputs
 * through this, so that tensors which are views (strided, offset) work everywhere. For a packed
 * float32 tensor (the hot path) it is one property check and returns `x.data` itself; a view is
 * packed into a copy. Throws TENSOR_DTYPE_MISMATCH for int32 tensors.
 */
export function contiguousData(x: Tensor): Float32Array {
  if (x._packed && x.dtype === 'float32') return x.data;
  if (x.dtype !== 'float32') {
    throw new TensorError(
      'TENSOR_DTYPE_MISMATCH',
      `expected a float32 tensor, got ${x.dtype as string} ${formatShape(x.shape)}`,
    );
  }
  return x.dataSync();
}

/** Like `contiguousData` for ops that move values of either dtype (slicing, concat, gather). */
export function contiguousAny<D extends DType>(x: Tensor<D>): DataOf<D> {
  return x._packed ? x.data : x.dataSync();
}

/** `record` for ops generic over dtype: only float32 tensors ever join the graph. */
export function recordAny<D extends DType>(
  out: Tensor<D>,
  op: string,
  parents: readonly Tensor<DType>[],
  backward: BackwardFn,
): Tensor<D> {
  return record(out as Tensor<DType> as Tensor, op, parents as Tensor[], backward) as Tensor<DType> as Tensor<D>;
}
