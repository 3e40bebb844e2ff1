import { record } from '../autograd/engine.js';
import { Arith, arith } from '../kernels/elementwise.js';
import { sumToShape } from '../kernels/reduce.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { asTensor, contiguousData, type TensorLike } from './util.js';

/** a · b element-wise with broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const x = asTensor(a);
  const y = asTensor(b);
  const xd = contiguousData(x);
  const yd = contiguousData(y);
  const shape = broadcastShapes(x.shape, y.shape);
  const out = new Tensor(arith(Arith.Mul, xd, x.shape, yd, y.shape, shape), shape);
  return record(out, 'mul', [x, y], (g) => [
    x.requiresGrad ? sumToShape(arith(Arith.Mul, g, shape, yd, y.shape, shape), shape, x.shape) : null,
    y.requiresGrad ? sumToShape(arith(Arith.Mul, g, shape, xd, x.shape, shape), shape, y.shape) : null,
  ]);
}
