import { record } from '../autograd/engine.js';
import { mapBinary } from '../kernels/elementwise.js';
import { sumToShape } from '../kernels/reduce.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { asTensor, contiguousData, type TensorLike } from './util.js';

const MAX = (x: number, y: number): number => (x >= y ? x : y);
const X_WINS = (x: number, y: number): number => (x >= y ? 1 : 0);
const Y_WINS = (x: number, y: number): number => (x >= y ? 0 : 1);
const MUL = (x: number, y: number): number => x * y;

/** Element-wise max with broadcasting; on ties the gradient goes to `a` (as TF.js does). */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  const x = asTensor(a);
  const y = asTensor(b);
  const xd = contiguousData(x);
  const yd = contiguousData(y);
  const shape = broadcastShapes(x.shape, y.shape);
  const out = new Tensor(mapBinary(xd, x.shape, yd, y.shape, shape, MAX), shape);
  const masked = (winner: typeof X_WINS, g: Float32Array): Float32Array =>
    mapBinary(g, shape, mapBinary(xd, x.shape, yd, y.shape, shape, winner), shape, shape, MUL);
  return record(out, 'maximum', [x, y], (g) => [
    x.requiresGrad ? sumToShape(masked(X_WINS, g), shape, x.shape) : null,
    y.requiresGrad ? sumToShape(masked(Y_WINS, g), shape, y.shape) : null,
  ]);
}
