import { normalizeAxes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mean } from './mean.js';
import { square } from './square.js';
import { sub } from './sub.js';

/** Population variance (divides by n, as tf.moments and NumPy's default) over `axis`. Composite. */
export function variance(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const axes = normalizeAxes(axis, x.ndim);
  // Two passes (centre, then square) rather than E[x²] − E[x]², which cancels catastrophically.
  return mean(square(sub(x, mean(x, axes, true))), axes, keepDims);
}
