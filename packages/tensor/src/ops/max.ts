import { record } from '../autograd/engine.js';
import { expandReduced, maxAxes, sumAxes } from '../kernels/reduce.js';
import { normalizeAxes, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { reductionShape } from './sum.js';
import { contiguousData } from './util.js';

/**
 * Gradient of a max or min reduction: `g` goes to the elements equal to the extremum, split
 * equally between ties (as TF's reduce_max/reduce_min; TF.js gives each tie the full gradient).
 */
export function extremumGrad(
  g: Float32Array,
  x: Float32Array,
  shape: Shape,
  axes: readonly number[],
  values: Float32Array,
): Float32Array {
  const best = expandReduced(values, shape, axes);
  const mask = new Float32Array(x.length);
  for (let i = 0; i < mask.length; i++) mask[i] = x[i] === best[i] ? 1 : 0;
  const ties = sumAxes(mask, shape, axes);
  const share = new Float32Array(g.length);
  for (let i = 0; i < share.length; i++) share[i] = g[i] / ties[i];
  const dx = expandReduced(share, shape, axes);
  for (let i = 0; i < dx.length; i++) dx[i] *= mask[i];
  return dx;
}

/** Max over `axis` (a number, a list, or all axes when omitted); ties share the gradient equally (as TF). */
export function max(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const axes = normalizeAxes(axis, x.ndim);
  const src = contiguousData(x);
  const values = maxAxes(src, x.shape, axes);
  const out = new Tensor(values, reductionShape(x.shape, axes, keepDims));
  return record(out, 'max', [x], (g) => [extremumGrad(g, src, x.shape, axes, values)]);
}
