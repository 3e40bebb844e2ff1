import { normalizeAxes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { sum } from './sum.js';

/** Mean over `axis` (a number, a list, or all axes when omitted). Composite: sum · 1/n. */
export function mean(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const axes = normalizeAxes(axis, x.ndim);
  let count = 1;
  for (const ax of axes) count *= x.shape[ax];
  return mul(sum(x, axes, keepDims), 1 / count);
}
