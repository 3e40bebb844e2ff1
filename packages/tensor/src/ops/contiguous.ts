import type { DType, Tensor } from '../tensor.js';

/** `x` in a fresh row-major buffer (`x` itself if it already is one); the gradient passes through. */
export function contiguous<D extends DType = 'float32'>(x: Tensor<D>): Tensor<D> {
  return x.contiguous();
}
