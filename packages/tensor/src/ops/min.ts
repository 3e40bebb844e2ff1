import { record } from '../autograd/engine.js';
import { minAxes } from '../kernels/reduce.js';
import { normalizeAxes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { extremumGrad } from './max.js';
import { reductionShape } from './sum.js';
import { contiguousData } from './util.js';

/** Min over `axis` (a number, a list, or all axes when omitted); ties share the gradient equally (as TF). */
export function min(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const axes = normalizeAxes(axis, x.ndim);
  const src = contiguousData(x);
  const values = minAxes(src, x.shape, axes);
  const out = new Tensor(values, reductionShape(x.shape, axes, keepDims));
  return record(out, 'min', [x], (g) => [extremumGrad(g, src, x.shape, axes, values)]);
}
