import { Tensor } from '../tensor.js';
import { contiguousData } from './util.js';

/** The same values, treated as a constant by autodiff. Not differentiable by definition. */
export function stopGradient(x: Tensor): Tensor {
  return new Tensor(contiguousData(x), x.shape);
}
