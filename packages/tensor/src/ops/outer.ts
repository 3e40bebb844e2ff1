import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { reshape } from './reshape.js';

/** Outer product of the flattened inputs: [n] ⊗ [m] → [n, m] (as NumPy `outer`). Composite. */
export function outer(x: Tensor, y: Tensor): Tensor {
  // A column times a row broadcasts to the full product; no GEMM needed for a rank-1 update.
  return mul(reshape(x, [x.size, 1]), reshape(y, [1, y.size]));
}
