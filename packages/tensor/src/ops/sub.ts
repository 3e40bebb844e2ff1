import { record } from '../autograd/engine.js';
import { Arith, arith, mapUnary } from '../kernels/elementwise.js';
import { sumToShape } from '../kernels/reduce.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { asTensor, contiguousData, type TensorLike } from './util.js';

const NEG = (x: number): number => -x;

/** a − b with broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const x = asTensor(a);
  const y = asTensor(b);
  const xd = contiguousData(x);
  const yd = contiguousData(y);
  const shape = broadcastShapes(x.shape, y.shape);
  const out = new Tensor(arith(Arith.Sub, xd, x.shape, yd, y.shape, shape), shape);
  return record(out, 'sub', [x, y], (g) => [
    x.requiresGrad ? sumToShape(g, shape, x.shape) : null,
    y.requiresGrad ? sumToShape(mapUnary(g, NEG), shape, y.shape) : null,
  ]);
}
