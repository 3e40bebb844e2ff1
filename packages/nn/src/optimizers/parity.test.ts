// One training step of a small Dense model from identical weights, ours against TF.js (cpu).
// Where the two libraries' equations differ (keras-formats.md §5.3) the settings make them coincide:
// - SGD momentum: TF.js keeps a ← μa + g and steps −ηa; Keras keeps v = −ηa — equal while η is constant.
// - Adam: TF.js adds ε after bias correction; Keras adds ε̂ to the uncorrected √v. At step 1
//   ε_tfjs = ε_keras / √(1 − β₂) makes them identical.
// - RMSprop (non-centered): both compute ηg/√(s + ε) with ε inside the sqrt; same ε given to both.
//   (Centered differs: TF.js subtracts ε, so it is not compared.)
// - Adagrad: both compute ηg/√(a + ε) from a = 0.1 + g²; TF.js's ε is its backend EPS, 1e-7 on cpu = Keras's default.
import * as tf from '@tensorflow/tfjs';
import { Tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { modelFromJson } from '../model/model.js';
import type { CompileArgs } from '../model/compile.js';

tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');

const X = [
  [0.5, -1, 2],
  [1.5, 0.3, -0.7],
  [-0.2, 0.8, 0.1],
  [1, 1, -1],
];
const Y = [
  [1, 0],
  [0, 1],
  [0.5, 0.5],
  [2, -1],
];
const DENSE = (units: number, activation: string, inputShape?: number[]): object => ({
  class_name: 'Dense',
  config: { units, activation, ...(inputShape ? { batch_input_shape: [null, ...inputShape] } : {}) },
});

async function compare(ours: CompileArgs['optimizer'], theirs: tf.Optimizer): Promise<void> {
  const config = { class_name: 'Sequential', config: { layers: [DENSE(4, 'tanh', [3]), DENSE(2, 'linear')] } };
  const model = modelFromJson(config, { seed: 3 });
  const ref = tf.sequential({
    layers: [tf.layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }), tf.layers.dense({ units: 2 })],
  });
  ref.setWeights(model.getWeights().map((w) => tf.tensor(Array.from(w.data), [...w.shape])));
  model.compile({ optimizer: ours, loss: 'mse' });
  ref.compile({ optimizer: theirs, loss: 'meanSquaredError' });
  const x = new Tensor(new Float32Array(X.flat()), [4, 3]);
  const y = new Tensor(new Float32Array(Y.flat()), [4, 2]);
  const h = await model.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false });
  const refLoss = await ref.trainOnBatch(tf.tensor2d(X), tf.tensor2d(Y));
  expect(h.history.loss[0]).toBeCloseTo(refLoss as number, 5);
  const initial = modelFromJson(config, { seed: 3 }).getWeights();
  const want = ref.getWeights().map((w) => w.dataSync());
  let moved = 0;
  model.getWeights().forEach((w, i) =>
    w.data.forEach((v, j) => {
      expect(Math.abs(v - want[i][j])).toBeLessThanOrEqual(1e-5);
      moved = Math.max(moved, Math.abs(v - initial[i].data[j]));
    }),
  );
  expect(moved).toBeGreaterThan(1e-3); // the step did something
}

describe('one training step matches TensorFlow.js to 1e-5', () => {
  it('SGD with momentum (and Nesterov)', async () => {
    await compare({ class_name: 'SGD', config: { learning_rate: 0.1, momentum: 0.9 } }, tf.train.momentum(0.1, 0.9));
    await compare(
      { class_name: 'SGD', config: { learning_rate: 0.1, momentum: 0.9, nesterov: true } },
      tf.train.momentum(0.1, 0.9, true),
    );
  });
  it('Adam (ε_tfjs = ε_keras / √(1 − β₂) at step 1)', async () => {
    const eps = 1e-4;
    await compare(
      { class_name: 'Adam', config: { learning_rate: 0.01, epsilon: eps } },
      tf.train.adam(0.01, 0.9, 0.999, eps / Math.sqrt(1 - 0.999)),
    );
  });
  it('RMSprop, with and without momentum (same ε, inside the sqrt in both)', async () => {
    await compare(
      { class_name: 'RMSprop', config: { learning_rate: 0.01, rho: 0.9, epsilon: 1e-6 } },
      tf.train.rmsprop(0.01, 0.9, 0, 1e-6),
    );
    await compare(
      { class_name: 'RMSprop', config: { learning_rate: 0.01, rho: 0.8, momentum: 0.5, epsilon: 1e-6 } },
      tf.train.rmsprop(0.01, 0.8, 0.5, 1e-6),
    );
  });
  it('Adagrad (initial accumulator 0.1, ε 1e-7 in both)', async () => {
    await compare({ class_name: 'Adagrad', config: { learning_rate: 0.05 } }, tf.train.adagrad(0.05, 0.1));
  });
});
