import type { Tensor } from '../tensor.js';
import { unaryPointwise } from './pointwise.js';
import type { TensorLike } from './util.js';

// Constants of Klambauer et al. (2017), as in TF and Keras.
const ALPHA = 1.6732632423543772;
const SCALE = 1.0507009873554805;

/** scale·x for x > 0, scale·alpha·(eˣ − 1) otherwise (self-normalising constants). */
export function selu(x: TensorLike): Tensor {
  return unaryPointwise(
    'selu',
    x,
    (v) => (v > 0 ? SCALE * v : SCALE * ALPHA * Math.expm1(v)),
    (v) => (v > 0 ? SCALE : SCALE * ALPHA * Math.exp(v)),
  );
}
