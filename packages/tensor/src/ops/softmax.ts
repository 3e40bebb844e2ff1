import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { exp } from './exp.js';
import { log } from './log.js';
import { max } from './max.js';
import { stopGradient } from './stop-gradient.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

// Subtracting the (constant) max keeps exp from overflowing; it cancels in the derivative.
function shifted(x: Tensor, axis: number): Tensor {
  return sub(x, stopGradient(max(x, axis, true)));
}

/** Softmax along `axis` (default last). Composite of primitives; stable. */
export function softmax(x: Tensor, axis = -1): Tensor {
  const e = exp(shifted(x, axis));
  return div(e, sum(e, axis, true));
}

/** log(softmax(x)) along `axis`, computed as x − max − log Σ exp(x − max). Composite. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const s = shifted(x, axis);
  return sub(s, log(sum(exp(s), axis, true)));
}
