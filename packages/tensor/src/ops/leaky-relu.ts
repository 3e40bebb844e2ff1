import type { Tensor } from '../tensor.js';
import { unaryPointwise } from './pointwise.js';
import type { TensorLike } from './util.js';

/**
 * x for x > 0, alpha·x otherwise. The default alpha = 0.2 is TF.js's `tf.leakyRelu` (and
 * `tf.nn.leaky_relu`); Keras's `LeakyReLU` layer defaults to 0.3, so pass it explicitly there.
 * At x = 0 the gradient is alpha, as in TF.js.
 */
export function leakyRelu(x: TensorLike, alpha = 0.2): Tensor {
  return unaryPointwise(
    'leakyRelu',
    x,
    (v) => (v > 0 ? v : alpha * v),
    (v) => (v > 0 ? 1 : alpha),
  );
}
