// Shared plumbing for the element-wise ops added with broadcasting: every input is read through
// contiguousData (inputs may be strided views) and every output is a fresh contiguous tensor.
import { record } from '../autograd/engine.js';
import { mapBinary, type BinaryFn, type UnaryFn } from '../kernels/elementwise.js';
import { sumToShape } from '../kernels/reduce.js';
import { broadcastShapes, sizeOf, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { asTensor, contiguousData, type TensorLike } from './util.js';

/** Derivative of a binary function at (x, y) with value z = f(x, y). */
export type PartialFn = (x: number, y: number, z: number) => number;

const FIRST = (x: number): number => x;
const ONE = new Float32Array([1]);

/** Values of `data` (laid out as `shape`) repeated to `outShape` by NumPy broadcasting. */
export function broadcastData(data: Float32Array, shape: Shape, outShape: Shape): Float32Array {
  if (shape.length === outShape.length && data.length === sizeOf(outShape)) return data;
  return mapBinary(data, shape, ONE, [], outShape, FIRST);
}

/** Element-wise op `y = f(x)`; `df(x, y)` is dy/dx. */
export function unaryPointwise(
  name: string,
  input: TensorLike,
  f: UnaryFn,
  df: (x: number, y: number) => number,
): Tensor {
  const x = asTensor(input);
  const src = contiguousData(x);
  const data = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) data[i] = f(src[i]);
  const out = new Tensor(data, x.shape);
  return record(out, name, [x], (g) => {
    const dx = new Float32Array(g.length);
    for (let i = 0; i < g.length; i++) dx[i] = g[i] * df(src[i], data[i]);
    return [dx];
  });
}

/** Broadcasting element-wise op `z = f(x, y)` with partial derivatives `dfx`, `dfy`. */
export function binaryPointwise(
  name: string,
  a: TensorLike,
  b: TensorLike,
  f: BinaryFn,
  dfx: PartialFn,
  dfy: PartialFn,
): Tensor {
  const x = asTensor(a);
  const y = asTensor(b);
  const shape = broadcastShapes(x.shape, y.shape);
  const xd = contiguousData(x);
  const yd = contiguousData(y);
  const data = mapBinary(xd, x.shape, yd, y.shape, shape, f);
  const out = new Tensor(data, shape);
  return record(out, name, [x, y], (g) => {
    const xb = broadcastData(xd, x.shape, shape);
    const yb = broadcastData(yd, y.shape, shape);
    const partial = (df: PartialFn): Float32Array => {
      const d = new Float32Array(g.length);
      for (let i = 0; i < g.length; i++) d[i] = g[i] * df(xb[i], yb[i], data[i]);
      return d;
    };
    return [
      x.requiresGrad ? sumToShape(partial(dfx), shape, x.shape) : null,
      y.requiresGrad ? sumToShape(partial(dfy), shape, y.shape) : null,
    ];
  });
}
