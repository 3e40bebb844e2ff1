import { isObject, type JsonObject } from '../config/reader.js';
import { NnError } from '../errors.js';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

/** Optimizer classes by lower-cased Keras name (TF.js's 'RMSProp' lower-cases to the same key). */
export const OPTIMIZER_REGISTRY: readonly { name: string; create: (config: JsonObject, path: string) => Optimizer }[] =
  [
    { name: 'sgd', create: (c, p) => new SGD(c, p) },
    { name: 'adam', create: (c, p) => new Adam(c, p) },
    { name: 'adamw', create: (c, p) => new AdamW(c, p) },
    { name: 'rmsprop', create: (c, p) => new RMSprop(c, p) },
    { name: 'adagrad', create: (c, p) => new Adagrad(c, p) },
  ];

/** Builds an optimizer from 'adam' / {class_name: 'Adam', config: {...}}; throws NnError. */
export function parseOptimizer(v: unknown, path = '/optimizer'): Optimizer {
  const name = isObject(v) ? v.class_name : v;
  const entry = typeof name === 'string' ? OPTIMIZER_REGISTRY.find((o) => o.name === name.toLowerCase()) : undefined;
  if (!entry) {
    throw new NnError(
      'SPEC_UNKNOWN_OPTIMIZER',
      `unknown optimizer ${JSON.stringify(name)} (supported: SGD, Adam, AdamW, RMSprop, Adagrad)`,
      { path: isObject(v) ? `${path}/class_name` : path },
    );
  }
  const config = isObject(v) && v.config !== undefined ? v.config : {};
  if (!isObject(config))
    throw new NnError('SPEC_INVALID_OPTIMIZER_CONFIG', 'optimizer config must be an object', {
      path: `${path}/config`,
    });
  return entry.create(config, `${path}/config`);
}
