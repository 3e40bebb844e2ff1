import { maxAxes, reducedShape } from '../kernels/reduce.js';
import { normalizeAxes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add } from './add.js';
import { exp } from './exp.js';
import { log } from './log.js';
import { reshape } from './reshape.js';
import { sub } from './sub.js';
import { reductionShape, sum } from './sum.js';
import { contiguousData } from './util.js';

/** log Σ exp(x) over `axis` (all axes when omitted), stable for large |x|. Composite. */
export function logSumExp(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const axes = normalizeAxes(axis, x.ndim);
  // Shift by the max, held constant: it cancels in the derivative. A non-finite max (all −∞, or
  // an empty axis) is replaced by 0 so that −∞ − (−∞) does not turn into NaN.
  const m = maxAxes(contiguousData(x), x.shape, axes);
  for (let i = 0; i < m.length; i++) if (!Number.isFinite(m[i])) m[i] = 0;
  const shift = new Tensor(m, reducedShape(x.shape, axes));
  const lse = add(log(sum(exp(sub(x, shift)), axes, true)), shift);
  return keepDims ? lse : reshape(lse, reductionShape(x.shape, axes, false));
}
