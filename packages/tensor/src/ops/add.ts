import { record } from '../autograd/engine.js';
import { Arith, arith } from '../kernels/elementwise.js';
import { sumToShape } from '../kernels/reduce.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { asTensor, contiguousData, type TensorLike } from './util.js';

/** a + b with broadcasting. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  const x = asTensor(a);
  const y = asTensor(b);
  const xd = contiguousData(x);
  const yd = contiguousData(y);
  const shape = broadcastShapes(x.shape, y.shape);
  const out = new Tensor(arith(Arith.Add, xd, x.shape, yd, y.shape, shape), shape);
  return record(out, 'add', [x, y], (g) => [
    x.requiresGrad ? sumToShape(g, shape, x.shape) : null,
    y.requiresGrad ? sumToShape(g, shape, y.shape) : null,
  ]);
}
