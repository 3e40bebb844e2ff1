import { record } from '../autograd/engine.js';
import { sumToShape } from '../kernels/reduce.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { broadcastData } from './pointwise.js';
import { asTensor, contiguousData, type TensorLike } from './util.js';

/**
 * `a` where `cond` is non-zero, else `b`; all three broadcast together. The gradient flows to
 * the branch that was picked; `cond` gets none.
 */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const c = asTensor(cond);
  const x = asTensor(a);
  const y = asTensor(b);
  // Broadcasting pairwise reports the two shapes that actually disagree.
  const shape = broadcastShapes(broadcastShapes(c.shape, x.shape), y.shape);
  const cb = broadcastData(contiguousData(c), c.shape, shape);
  const xb = broadcastData(contiguousData(x), x.shape, shape);
  const yb = broadcastData(contiguousData(y), y.shape, shape);
  const data = new Float32Array(cb.length);
  for (let i = 0; i < data.length; i++) data[i] = cb[i] !== 0 ? xb[i] : yb[i];
  const out = new Tensor(data, shape);
  return record(out, 'where', [x, y], (g) => {
    const pick = (whenTrue: boolean): Float32Array => {
      const d = new Float32Array(g.length);
      for (let i = 0; i < d.length; i++) d[i] = (cb[i] !== 0) === whenTrue ? g[i] : 0;
      return d;
    };
    return [
      x.requiresGrad ? sumToShape(pick(true), shape, x.shape) : null,
      y.requiresGrad ? sumToShape(pick(false), shape, y.shape) : null,
    ];
  });
}
