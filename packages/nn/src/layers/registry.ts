import type { ConfigReader } from '../config/reader.js';
import { Activation } from './activation.js';
import { BatchNormalization } from './batch-normalization.js';
import { Conv2D } from './conv2d.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { Flatten } from './flatten.js';
import type { Layer } from './layer.js';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from './merge.js';
import { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from './pooling.js';
import { Permute, Reshape } from './reshape.js';
import { LSTM } from './lstm.js';
import { SimpleRNN } from './simple-rnn.js';

/** One deserialisable layer class: its Keras class name and a constructor from config. */
export interface LayerClass {
  readonly className: string;
  readonly fromConfig: (reader: ConfigReader, name: string) => Layer;
}

/**
 * Every layer a model spec may use, by Keras class name. InputLayer is handled by the model
 * builder (it has no weights and no call); merge layers take several inputs (functional models). Anything else (Lambda, custom classes) is rejected.
 */
export const LAYER_REGISTRY: readonly LayerClass[] = [
  { className: 'Dense', fromConfig: (r, name) => new Dense(r, name) },
  { className: 'Activation', fromConfig: (r, name) => new Activation(r, name) },
  { className: 'Concatenate', fromConfig: (r, name) => new Concatenate(r, name) },
  { className: 'Add', fromConfig: (r, name) => new Add(r, name) },
  { className: 'Subtract', fromConfig: (r, name) => new Subtract(r, name) },
  { className: 'Multiply', fromConfig: (r, name) => new Multiply(r, name) },
  { className: 'Average', fromConfig: (r, name) => new Average(r, name) },
  { className: 'Maximum', fromConfig: (r, name) => new Maximum(r, name) },
  { className: 'Minimum', fromConfig: (r, name) => new Minimum(r, name) },
  { className: 'Flatten', fromConfig: (r, name) => new Flatten(r, name) },
  { className: 'Dropout', fromConfig: (r, name) => new Dropout(r, name) },
  { className: 'Conv2D', fromConfig: (r, name) => new Conv2D(r, name) },
  { className: 'MaxPooling2D', fromConfig: (r, name) => new MaxPooling2D(r, name) },
  { className: 'AveragePooling2D', fromConfig: (r, name) => new AveragePooling2D(r, name) },
  { className: 'GlobalAveragePooling2D', fromConfig: (r, name) => new GlobalAveragePooling2D(r, name) },
  { className: 'GlobalMaxPooling2D', fromConfig: (r, name) => new GlobalMaxPooling2D(r, name) },
  { className: 'Reshape', fromConfig: (r, name) => new Reshape(r, name) },
  { className: 'Permute', fromConfig: (r, name) => new Permute(r, name) },
  { className: 'BatchNormalization', fromConfig: (r, name) => new BatchNormalization(r, name) },
  { className: 'Embedding', fromConfig: (r, name) => new Embedding(r, name) },
  { className: 'SimpleRNN', fromConfig: (r, name) => new SimpleRNN(r, name) },
  { className: 'LSTM', fromConfig: (r, name) => new LSTM(r, name) },
];

/** Looks a layer class up by Keras class name. */
export function findLayerClass(className: string): LayerClass | undefined {
  return LAYER_REGISTRY.find((c) => c.className === className);
}
