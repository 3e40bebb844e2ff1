// Test-only Keras JSON samples, written the way each writer emits them, and small datasets.
import { Rng, Tensor } from '@trainyard/tensor';
import { expect } from 'vitest';
import { NnError } from '../errors.js';

const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
const init = (class_name: string, config: object = {}): object => ({
  module: 'keras.initializers',
  class_name,
  config,
  registered_name: null,
});

/** Keras 2.x `model.to_json()` of Input(4) → Dense(8, relu) → Dense(3, softmax). */
export const KERAS2 = {
  class_name: 'Sequential',
  config: {
    name: 'sequential',
    layers: [
      {
        class_name: 'InputLayer',
        config: { batch_input_shape: [null, 4], dtype: 'float32', sparse: false, ragged: false, name: 'dense_input' },
      },
      {
        class_name: 'Dense',
        config: {
          name: 'dense',
          trainable: true,
          dtype: 'float32',
          units: 8,
          activation: 'relu',
          use_bias: true,
          kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
          bias_initializer: { class_name: 'Zeros', config: {} },
          kernel_regularizer: null,
          bias_regularizer: null,
          activity_regularizer: null,
          kernel_constraint: null,
          bias_constraint: null,
        },
      },
      {
        class_name: 'Dense',
        config: {
          name: 'dense_1',
          trainable: true,
          dtype: 'float32',
          units: 3,
          activation: 'softmax',
          use_bias: true,
          kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
          bias_initializer: { class_name: 'Zeros', config: {} },
          kernel_regularizer: null,
          bias_regularizer: null,
          activity_regularizer: null,
          kernel_constraint: null,
          bias_constraint: null,
        },
      },
    ],
  },
  keras_version: '2.13.1',
  backend: 'tensorflow',
};

/** Keras 3 `model.to_json()` of the same model. */
export const KERAS3 = {
  module: 'keras',
  class_name: 'Sequential',
  config: {
    name: 'sequential',
    trainable: true,
    dtype: policy,
    layers: [
      {
        module: 'keras.layers',
        class_name: 'InputLayer',
        config: { batch_shape: [null, 4], dtype: 'float32', sparse: false, ragged: false, name: 'input_layer' },
        registered_name: null,
      },
      {
        module: 'keras.layers',
        class_name: 'Dense',
        config: {
          name: 'dense',
          trainable: true,
          dtype: policy,
          units: 8,
          activation: 'relu',
          use_bias: true,
          kernel_initializer: init('GlorotUniform', { seed: null }),
          bias_initializer: init('Zeros'),
          kernel_regularizer: null,
          bias_regularizer: null,
          kernel_constraint: null,
          bias_constraint: null,
          lora_rank: null,
        },
        registered_name: null,
        build_config: { input_shape: [null, 4] },
      },
      {
        module: 'keras.layers',
        class_name: 'Dense',
        config: {
          name: 'dense_1',
          trainable: true,
          dtype: policy,
          units: 3,
          activation: 'softmax',
          use_bias: true,
          kernel_initializer: init('GlorotUniform', { seed: null }),
          bias_initializer: init('Zeros'),
          kernel_regularizer: null,
          bias_regularizer: null,
          kernel_constraint: null,
          bias_constraint: null,
          lora_rank: null,
        },
        registered_name: null,
        build_config: { input_shape: [null, 8] },
      },
    ],
    build_input_shape: [null, 4],
  },
  registered_name: null,
  build_config: { input_shape: [null, 4] },
  compile_config: null,
};

/** A Sequential spec from compact layer descriptions; the first gets `batch_input_shape`. */
export function mlp(inputDim: number, layers: [number, string][]): object {
  return {
    class_name: 'Sequential',
    config: {
      layers: layers.map(([units, activation], i) => ({
        class_name: 'Dense',
        config: { units, activation, ...(i === 0 ? { batch_input_shape: [null, inputDim] } : {}) },
      })),
    },
  };
}

/** XOR-like quadrants: label 1 when x·y > 0. Returns x [n, 2] and sparse labels y [n]. */
export function xorData(n: number, seed: number): [Tensor, Tensor] {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(-1, 1);
    const b = rng.uniform(-1, 1);
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = a * b > 0 ? 1 : 0;
  }
  return [new Tensor(x, [n, 2]), new Tensor(y, [n])];
}

/** The NnError `fn` throws (the test fails if it throws nothing, or something else). */
export function thrown(fn: () => unknown): NnError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(NnError);
    return e as NnError;
  }
  throw new Error('expected an NnError');
}
