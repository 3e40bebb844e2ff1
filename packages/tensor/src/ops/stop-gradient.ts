import { Tensor } from '../tensor.js';

/** The same values, treated as a constant by autodiff. Not differentiable by definition. */
export function stopGradient(x: Tensor): Tensor {
  return new Tensor(x.data, x.shape);
}
