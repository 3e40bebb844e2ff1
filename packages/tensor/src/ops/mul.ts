import { record } from '../autograd/engine.js';
import { mapBinary } from '../kernels/elementwise.js';
import { sumToShape } from '../kernels/reduce.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { asTensor, contiguousData, type TensorLike } from './util.js';

const MUL = (x: number, y: number): number => x * y;

/** a · b element-wise with broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const x = asTensor(a);
  const y = asTensor(b);
  const xd = contiguousData(x);
  const yd = contiguousData(y);
  const shape = broadcastShapes(x.shape, y.shape);
  const out = new Tensor(mapBinary(xd, x.shape, yd, y.shape, shape, MUL), shape);
  return record(out, 'mul', [x, y], (g) => [
    x.requiresGrad ? sumToShape(mapBinary(g, shape, yd, y.shape, shape, MUL), shape, x.shape) : null,
    y.requiresGrad ? sumToShape(mapBinary(g, shape, xd, x.shape, shape, MUL), shape, y.shape) : null,
  ]);
}
