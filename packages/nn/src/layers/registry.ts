import type { ConfigReader } from '../config/reader.js';
import { Activation } from './activation.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { Flatten } from './flatten.js';
import type { Layer } from './layer.js';

/** One deserialisable layer class: its Keras class name and a constructor from config. */
export interface LayerClass {
  readonly className: string;
  readonly fromConfig: (reader: ConfigReader, name: string) => Layer;
}

/**
 * Every layer a model spec may use, by Keras class name. InputLayer is handled by the model
 * builder (it has no weights and no call). Anything else (Lambda, custom classes) is rejected.
 */
export const LAYER_REGISTRY: readonly LayerClass[] = [
  { className: 'Dense', fromConfig: (r, name) => new Dense(r, name) },
  { className: 'Activation', fromConfig: (r, name) => new Activation(r, name) },
  { className: 'Flatten', fromConfig: (r, name) => new Flatten(r, name) },
  { className: 'Dropout', fromConfig: (r, name) => new Dropout(r, name) },
];

/** Looks a layer class up by Keras class name. */
export function findLayerClass(className: string): LayerClass | undefined {
  return LAYER_REGISTRY.find((c) => c.className === className);
}
