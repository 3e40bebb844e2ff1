import { record } from '../autograd/engine.js';
import { expandReduced, maxAxes, sumAxes } from '../kernels/reduce.js';
import { normalizeAxes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { reductionShape } from './sum.js';

/** Max over `axis`; ties share the gradient equally (as TF). */
export function max(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const axes = normalizeAxes(axis, x.ndim);
  const values = maxAxes(x.data, x.shape, axes);
  const out = new Tensor(values, reductionShape(x.shape, axes, keepDims));
  return record(out, 'max', [x], (g) => {
    const best = expandReduced(values, x.shape, axes);
    const mask = new Float32Array(x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = x.data[i] === best[i] ? 1 : 0;
    const ties = sumAxes(mask, x.shape, axes);
    const share = new Float32Array(g.length);
    for (let i = 0; i < share.length; i++) share[i] = g[i] / ties[i];
    const dx = expandReduced(share, x.shape, axes);
    for (let i = 0; i < dx.length; i++) dx[i] *= mask[i];
    return [dx];
  });
}
