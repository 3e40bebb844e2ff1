import { relu, sigmoid, softmax, tanh, type Tensor } from '@trainyard/tensor';
import { isObject } from './config/reader.js';

/** Keras activation names we implement, each a function of a tensor (softmax over the last axis). */
export const ACTIVATIONS: Readonly<Record<string, (x: Tensor) => Tensor>> = {
  linear: (x) => x,
  relu,
  sigmoid,
  tanh,
  softmax: (x) => softmax(x, -1),
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
