import { gradcheck, Tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { ConfigReader } from '../config/reader.js';
import { NnError } from '../errors.js';
import { Conv2D } from './conv2d.js';
import { expectSameAsTf, makeLayer, rand, tf } from './test-utils/oracle.js';

describe('Conv2D', () => {
  it.each([
    ['valid, stride 1', { filters: 4, kernel_size: 3 }, { filters: 4, kernelSize: 3 }, [2, 7, 6, 3]],
    [
      'same, stride 2, relu',
      { filters: 5, kernel_size: [3, 2], strides: 2, padding: 'same', activation: 'relu' },
      { filters: 5, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'relu' },
      [2, 7, 8, 2],
    ],
    [
      'dilated, no bias',
      { filters: 3, kernel_size: 3, dilation_rate: 2, use_bias: false },
      { filters: 3, kernelSize: 3, dilationRate: 2, useBias: false },
      [1, 9, 9, 2],
    ],
    [
      'same + dilation, tanh',
      { filters: 2, kernel_size: 2, dilation_rate: [2, 1], padding: 'same', activation: 'tanh' },
      { filters: 2, kernelSize: 2, dilationRate: [2, 1], padding: 'same', activation: 'tanh' },
      [2, 5, 4, 3],
    ],
  ] as const)('matches tf.layers.conv2d: %s', (_, config, tfArgs, shape) => {
    const layer = makeLayer('Conv2D', { ...config, bias_initializer: { class_name: 'RandomUniform', config: {} } }, [
      null,
      ...shape.slice(1),
    ]);
    const tfl = tf.layers.conv2d(tfArgs as Parameters<typeof tf.layers.conv2d>[0]);
    expectSameAsTf(layer, tfl, rand(shape, 7));
  });

  it('computes output shapes and params as Keras and names both shapes when the kernel does not fit', () => {
    const layer = makeLayer('Conv2D', { filters: 8, kernel_size: 3, strides: 2 }, [null, 9, 9, 3]);
    expect(layer.computeOutputShape([null, 9, 9, 3])).toEqual([null, 4, 4, 8]);
    expect(layer.countParams([null, 9, 9, 3])).toBe(3 * 3 * 3 * 8 + 8);
    expect(layer.weights.map((w) => w.shape)).toEqual([[3, 3, 3, 8], [8]]);
    expect(layer.weightNames()).toEqual(['kernel', 'bias']);
    // glorot_uniform over HWIO: limit sqrt(6 / (kh·kw·(in+out))).
    const limit = Math.sqrt(6 / (9 * 11));
    expect(Math.max(...Array.from(layer.weights[0].data, Math.abs))).toBeLessThanOrEqual(limit);
    expect(() => layer.computeOutputShape([null, 2, 9, 3])).toThrow(
      /does not fit.*\[null, 0, 4, 8\].*got input shape \[null, 2, 9, 3\]/,
    );
    expect(() => layer.computeOutputShape([null, 9, 9])).toThrow(NnError);
  });

  it('rejects channels_first, groups and strides with dilation with clear errors', () => {
    const make = (c: Record<string, unknown>): Conv2D =>
      new Conv2D(new ConfigReader({ filters: 2, kernel_size: 3, ...c }, '/c'), 'c');
    expect(() => make({ data_format: 'channels_first' })).toThrow(
      /channels_first.*not supported \(channels_last only\)/,
    );
    expect(() => make({ groups: 2 })).toThrow(/groups/);
    expect(() => make({ strides: 2, dilation_rate: 2 })).toThrow(/dilation_rate/);
    expect(() => make({ kernel_size: [3] })).toThrow(/kernel_size must be/);
    expect(() => make({ kernel_regularizer: { class_name: 'L2', config: {} } })).toThrow(
      /kernel_regularizer is not supported/,
    );
  });

  it('has exact gradients for input, kernel and bias', () => {
    const layer = makeLayer('Conv2D', { filters: 2, kernel_size: 2, padding: 'same', strides: 2, activation: 'tanh' }, [
      null,
      3,
      3,
      2,
    ]);
    const [k, b] = layer.weights;
    gradcheck(
      (x, kernel, bias) => {
        layer.weights = [kernel, bias];
        return layer.call(x, { training: true });
      },
      [rand([2, 3, 3, 2], 3), k, new Tensor(new Float32Array([0.1, -0.2]), b.shape)],
    );
  });
});
