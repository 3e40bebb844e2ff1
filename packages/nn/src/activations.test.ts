import { gradcheck } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, activationName } from './activations.js';
import { maxDiff, rand, tf } from './layers/test-utils/oracle.js';

// TensorFlow.js's value for each Keras activation name (Keras 2 formulas, as TF.js implements them).
const REFERENCE: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
  sigmoid: (x) => tf.sigmoid(x),
  hard_sigmoid: (x) => tf.layers.activation({ activation: 'hardSigmoid' }).apply(x) as tf.Tensor,
  tanh: (x) => tf.tanh(x),
  softmax: (x) => tf.softmax(x),
  log_softmax: (x) => tf.logSoftmax(x),
  elu: (x) => tf.elu(x),
  selu: (x) => tf.selu(x),
  softplus: (x) => tf.softplus(x),
  softsign: (x) => tf.layers.activation({ activation: 'softsign' }).apply(x) as tf.Tensor,
  swish: (x) => tf.layers.activation({ activation: 'swish' }).apply(x) as tf.Tensor,
  silu: (x) => tf.mul(x, tf.sigmoid(x)),
  gelu: (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))),
  leaky_relu: (x) => tf.leakyRelu(x, 0.2),
  exponential: (x) => tf.exp(x),
  mish: (x) => tf.layers.activation({ activation: 'mish' }).apply(x) as tf.Tensor,
};

describe('activations', () => {
  it('has a TensorFlow.js reference for every name', () => {
    expect(Object.keys(REFERENCE).sort()).toEqual(Object.keys(ACTIVATIONS).sort());
  });

  it.each(Object.keys(ACTIVATIONS))('%s matches TensorFlow.js and has exact gradients', (name) => {
    // Wide enough that hard_sigmoid and relu6 saturate on both sides.
    const x = rand([4, 7], 3, -8, 8);
    expect(maxDiff(ACTIVATIONS[name](x), REFERENCE[name](tf.tensor(x.data, [4, 7])))).toBeLessThanOrEqual(2e-5);
    // Away from the kinks (0, ±2.5, 6), where finite differences are meaningless.
    const smooth = rand([3, 5], 4, -2, 2);
    for (let i = 0; i < smooth.size; i++) if (Math.abs(smooth.data[i]) < 0.1) smooth.data[i] += 0.3;
    expect(gradcheck((t) => ACTIVATIONS[name](t), [smooth])).toBeLessThan(2e-3);
  });

  it('reads Keras 2, TF.js and Keras 3 spellings', () => {
    expect(activationName('hardSigmoid')).toBe('hard_sigmoid');
    expect(activationName('logSoftmax')).toBe('log_softmax');
    expect(activationName({ class_name: 'function', config: 'gelu' })).toBe('gelu');
    expect(activationName(null)).toBe('linear');
    expect(activationName('swishy')).toBeUndefined();
  });
});
