import { record } from '../autograd/engine.js';
import { Arith, arith, mapBinary } from '../kernels/elementwise.js';
import { sumToShape } from '../kernels/reduce.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { asTensor, contiguousData, type TensorLike } from './util.js';

const NEG_MUL = (x: number, y: number): number => -x * y;

/** a / b element-wise with broadcasting. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const x = asTensor(a);
  const y = asTensor(b);
  const xd = contiguousData(x);
  const yd = contiguousData(y);
  const shape = broadcastShapes(x.shape, y.shape);
  const out = new Tensor(arith(Arith.Div, xd, x.shape, yd, y.shape, shape), shape);
  // d(x/y)/dy = −(x/y)/y = −out/y.
  return record(out, 'div', [x, y], (g) => [
    x.requiresGrad ? sumToShape(arith(Arith.Div, g, shape, yd, y.shape, shape), shape, x.shape) : null,
    y.requiresGrad
      ? sumToShape(
          arith(Arith.Div, mapBinary(g, shape, out.data, shape, shape, NEG_MUL), shape, yd, y.shape, shape),
          shape,
          y.shape,
        )
      : null,
  ]);
}
