import * as tf from '@tensorflow/tfjs';
import { Tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { NnError } from '../errors.js';
import { Adam } from './adam.js';
import { parseOptimizer } from './registry.js';
import { SGD } from './sgd.js';
import { close, steps } from './test-steps.js';

tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');

describe('SGD', () => {
  it('plain: w ← w − ηg', () => {
    close(
      steps(
        new SGD({ learning_rate: 0.1 }),
        [1, 2],
        [
          [1, -2],
          [0.5, 0],
        ],
      ),
      [
        [0.9, 2.2],
        [0.85, 2.2],
      ],
    );
  });
  it('momentum: v ← μv − ηg, w ← w + v', () => {
    // v1 = −0.1, w = 0.9; v2 = 0.9·(−0.1) − 0.1·1 = −0.19, w = 0.71
    close(steps(new SGD({ learning_rate: 0.1, momentum: 0.9 }), [1], [[1], [1]]), [[0.9], [0.71]]);
  });
  it('nesterov: w ← w + μv − ηg', () => {
    // step1: v = −0.1, w = 1 − 0.09 − 0.1 = 0.81; step2: v = −0.19, w = 0.81 − 0.171 − 0.1 = 0.539
    close(steps(new SGD({ learning_rate: 0.1, momentum: 0.9, nesterov: true }), [1], [[1], [1]]), [[0.81], [0.539]]);
  });
  it('momentum equals TF.js momentum while η is constant', () => {
    const grads = [
      [0.5, -1],
      [0.25, 2],
      [-1, 0.1],
    ];
    const v = tf.variable(tf.tensor1d([1, -1]));
    const opt = tf.train.momentum(0.05, 0.8, true);
    const theirs = grads.map((g) => {
      opt.applyGradients([{ name: v.name, tensor: tf.tensor1d(g) }]);
      return Array.from(v.dataSync());
    });
    close(steps(new SGD({ learning_rate: 0.05, momentum: 0.8, nesterov: true }), [1, -1], grads), theirs, 5);
  });
});

describe('Adam', () => {
  it('follows the Keras ε-hat equations (hand-computed, two steps)', () => {
    const [lr, b1, b2, eps] = [0.1, 0.9, 0.999, 1e-7];
    let m = 0;
    let v = 0;
    let w = 1;
    const expected: number[][] = [];
    for (const [t, g] of [
      [1, 0.5],
      [2, -1],
    ]) {
      const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      m += (1 - b1) * (g - m);
      v += (1 - b2) * (g * g - v);
      w -= (alpha * m) / (Math.sqrt(v) + eps);
      expected.push([w]);
    }
    close(steps(new Adam({ learning_rate: lr }), [1], [[0.5], [-1]]), expected);
    // First step moves every weight by ≈ η·sign(g) whatever |g|.
    close(steps(new Adam({ learning_rate: 0.01 }), [0, 0], [[3, -0.001]]), [[-0.01, 0.01]], 4);
  });
  it('equals TF.js Adam for one step when ε_tfjs = ε_keras / √(1 − β₂)', () => {
    const eps = 1e-3;
    const v = tf.variable(tf.tensor1d([0.5, -0.2, 1]));
    const g = [1e-3, -0.5, 2];
    tf.train
      .adam(0.01, 0.9, 0.999, eps / Math.sqrt(1 - 0.999))
      .applyGradients([{ name: v.name, tensor: tf.tensor1d(g) }]);
    close(steps(new Adam({ learning_rate: 0.01, epsilon: eps }), [0.5, -0.2, 1], [g]), [Array.from(v.dataSync())], 5);
  });
  it('amsgrad keeps the running max of v', () => {
    const a = steps(new Adam({ learning_rate: 0.1, amsgrad: true }), [0], [[10], [0.1], [0.1]]);
    const b = steps(new Adam({ learning_rate: 0.1 }), [0], [[10], [0.1], [0.1]]);
    expect(Math.abs(a[2][0] - a[1][0])).toBeLessThan(Math.abs(b[2][0] - b[1][0]));
  });
  it('saves and restores its state', () => {
    const p = new Tensor(new Float32Array([1, 2]), [2], true);
    const a = new Adam();
    a.build([p]);
    p.grad = new Tensor(new Float32Array([1, 1]), [2]);
    a.apply([p]);
    const b = new Adam();
    b.build([p]);
    b.setWeights(a.getWeights());
    expect(b.iterations).toBe(1);
    expect(b.getWeights().map((t) => Array.from(t.data))).toEqual(a.getWeights().map((t) => Array.from(t.data)));
  });
});

describe('parseOptimizer', () => {
  it('accepts names and Keras configs with defaults', () => {
    expect(parseOptimizer('adam').getConfig()).toEqual({
      name: 'Adam',
      learning_rate: 0.001,
      beta_1: 0.9,
      beta_2: 0.999,
      epsilon: 1e-7,
      amsgrad: false,
    });
    expect(
      parseOptimizer({
        class_name: 'SGD',
        config: { learning_rate: 0.1, momentum: 0.9, nesterov: true, weight_decay: null, clipnorm: null, name: 'SGD' },
      }).getConfig(),
    ).toEqual({ name: 'SGD', learning_rate: 0.1, momentum: 0.9, nesterov: true });
  });
  it('rejects unknown optimizers and bad options with a path', () => {
    const err = (v: unknown): NnError => {
      try {
        parseOptimizer(v);
      } catch (e) {
        return e as NnError;
      }
      throw new Error('no error');
    };
    expect(err('adadelta').code).toBe('SPEC_UNKNOWN_OPTIMIZER');
    expect(err({ class_name: 'Adam', config: { learning_rate: -1 } }).details.path).toBe(
      '/optimizer/config/learning_rate',
    );
    expect(err({ class_name: 'Adam', config: { learning_rate: -1 } }).code).toBe('SPEC_INVALID_OPTIMIZER_CONFIG');
    expect(err({ class_name: 'Adam', config: { learnin_rate: 0.1 } }).details.path).toBe(
      '/optimizer/config/learnin_rate',
    );
    expect(err({ class_name: 'SGD', config: { clipnorm: -1 } }).details.path).toBe('/optimizer/config/clipnorm');
    expect(err({ class_name: 'SGD', config: { clipnorm: 1, clipvalue: 1 } }).message).toMatch(/only one of/);
    expect(
      err({ class_name: 'SGD', config: { learning_rate: { class_name: 'StepDecay', config: {} } } }).details.path,
    ).toBe('/optimizer/config/learning_rate/class_name');
  });
});
