import { Rng, tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { ConfigReader } from '../config/reader.js';
import { LAYER_REGISTRY } from './registry.js';

// A minimal config per class; every class in the registry must appear here.
const SAMPLES: Record<string, Record<string, unknown>> = {
  Dense: { units: 3, activation: 'tanh', use_bias: false, kernel_initializer: 'he_normal' },
  Activation: { activation: 'sigmoid' },
  Flatten: {},
  Dropout: { rate: 0.25, seed: 5 },
  Conv2D: { filters: 4, kernel_size: 3, strides: [2, 1], padding: 'same', activation: 'relu', use_bias: false },
  MaxPooling2D: { pool_size: [3, 2], padding: 'same' },
  AveragePooling2D: { pool_size: 2, strides: 1 },
  GlobalAveragePooling2D: { keepdims: true },
  GlobalMaxPooling2D: {},
  Reshape: { target_shape: [2, -1] },
  Permute: { dims: [2, 1] },
  BatchNormalization: { axis: [3], momentum: 0.9, center: false },
  Embedding: { input_dim: 10, output_dim: 4, input_length: 5 },
  Concatenate: { axis: 1 },
  Add: {},
  Subtract: {},
  Multiply: {},
  Average: {},
  Maximum: {},
  Minimum: {},
  SimpleRNN: { units: 3, return_sequences: true },
  LSTM: { units: 2, go_backwards: true },
};

describe('layer registry', () => {
  it('has unique class names matching each layer’s className, and a sample for each', () => {
    const names = LAYER_REGISTRY.map((c) => c.className);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(SAMPLES).sort()).toEqual([...names].sort());
  });

  it.each(LAYER_REGISTRY.map((c) => [c.className, c] as const))(
    '%s round-trips through getConfig/fromConfig',
    (name, cls) => {
      const layer = cls.fromConfig(new ConfigReader(SAMPLES[name], ''), 'l');
      expect(layer.className).toBe(name);
      const config = layer.getConfig();
      const again = cls.fromConfig(new ConfigReader(structuredClone(config), ''), 'l');
      expect(again.getConfig()).toEqual(config);
      expect(config).toMatchObject({ name: 'l', trainable: true, dtype: 'float32' });
    },
  );
});

describe('layers', () => {
  const reader = (config: Record<string, unknown>): ConfigReader => new ConfigReader(config, '');
  const dense = LAYER_REGISTRY.find((c) => c.className === 'Dense')!;
  const dropout = LAYER_REGISTRY.find((c) => c.className === 'Dropout')!;

  it('Dense writes Keras defaults and glorot_uniform stays within ±sqrt(6/(in+out))', () => {
    const layer = dense.fromConfig(reader({ units: 50 }), 'd');
    expect(layer.getConfig()).toMatchObject({
      activation: 'linear',
      use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} },
    });
    layer.build([null, 30], new Rng(1));
    const [kernel, bias] = layer.weights;
    expect(kernel.shape).toEqual([30, 50]);
    const limit = Math.sqrt(6 / 80);
    const max = kernel.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(max).toBeLessThanOrEqual(limit);
    expect(max).toBeGreaterThan(limit * 0.9);
    expect(Array.from(bias.data).every((v) => v === 0)).toBe(true);
  });

  it('Dense on rank-3 input equals the per-row product with the kernel', () => {
    const layer = dense.fromConfig(
      reader({ units: 2, bias_initializer: { class_name: 'Constant', config: { value: 0.5 } } }),
      'd',
    );
    layer.build([null, 2, 3], new Rng(2));
    const x = tensor([
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    ]);
    const y = layer.call(x, { training: false });
    expect(y.shape).toEqual([1, 2, 2]);
    const k = layer.weights[0].toArray() as number[][];
    const expected = [1, 2, 3].reduce((s, v, i) => s + v * k[i][1], 0.5);
    expect((y.toArray() as number[][][])[0][0][1]).toBeCloseTo(expected, 5);
  });

  it('Dropout drops about `rate`, scales kept units by 1/(1-rate), and is identity at inference', () => {
    const layer = dropout.fromConfig(reader({ rate: 0.25 }), 'dr');
    const x = tensor(new Float32Array(10000).fill(1), [100, 100]);
    expect(layer.call(x, { training: false })).toBe(x);
    const y = layer.call(x, { training: true, rng: new Rng(3) }).data;
    const kept = y.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 4 / 3) < 1e-6)).toBe(true);
    expect(kept.length / y.length).toBeCloseTo(0.75, 1);
    const again = layer.call(x, { training: true, rng: new Rng(3) }).data;
    expect(Array.from(again)).toEqual(Array.from(y));
  });
});
