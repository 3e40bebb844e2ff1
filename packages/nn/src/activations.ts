import {
  abs,
  add,
  clip,
  div,
  elu,
  exp,
  gelu,
  leakyRelu,
  logSumExp,
  mul,
  relu,
  selu,
  sigmoid,
  softmax,
  softplus,
  sub,
  tanh,
  type Tensor,
} from '@trainyard/tensor';
import { isObject } from './config/reader.js';

/**
 * Keras activation names we implement, each a function of a tensor (softmax and log_softmax over
 * the last axis). Formulas follow Keras 2 and TF.js, the formats we import and export: notably
 * hard_sigmoid is clip(0.2x + 0.5, 0, 1) there (Keras 3 changed it; see config/normalize.ts).
 */
export const ACTIVATIONS: Readonly<Record<string, (x: Tensor) => Tensor>> = {
  linear: (x) => x,
  relu,
  relu6: (x) => clip(x, 0, 6),
  sigmoid,
  hard_sigmoid: (x) => clip(add(mul(x, 0.2), 0.5), 0, 1),
  tanh,
  softmax: (x) => softmax(x, -1),
  log_softmax: (x) => sub(x, logSumExp(x, -1, true)),
  elu: (x) => elu(x),
  selu,
  softplus,
  softsign: (x) => div(x, add(abs(x), 1)),
  swish: (x) => mul(x, sigmoid(x)),
  silu: (x) => mul(x, sigmoid(x)),
  gelu: (x) => gelu(x),
  leaky_relu: (x) => leakyRelu(x),
  exponential: exp,
  mish: (x) => mul(x, tanh(softplus(x))),
};

/**
 * Normalises a serialized activation to its Keras name, or undefined when unknown. Accepts a
 * string, null (linear), or the Keras 3 `{class_name: "function", config: "relu"}` form.
 */
export function activationName(v: unknown): string | undefined {
  if (v === null || v === undefined) return 'linear';
  let name: unknown = v;
  if (isObject(v)) name = typeof v.config === 'string' ? v.config : v.class_name;
  if (typeof name !== 'string') return undefined;
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return Object.hasOwn(ACTIVATIONS, snake) ? snake : undefined;
}
