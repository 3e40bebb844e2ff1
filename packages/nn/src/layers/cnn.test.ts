// Whole-model checks of the image/sequence layers: parameter counts against TF.js, a config that
// TF.js loads and computes identically, and a small CNN that actually learns.
import { Rng, Tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { NnError } from '../errors.js';
import { inspectModel } from '../model/inspect.js';
import { modelFromJson } from '../model/model.js';
import { maxDiff, rand, tf } from './test-utils/oracle.js';

const seq = (layers: { class_name: string; config: Record<string, unknown> }[]): object => ({
  class_name: 'Sequential',
  config: { name: 'cnn', layers },
});
const L = (
  class_name: string,
  config: Record<string, unknown> = {},
): { class_name: string; config: Record<string, unknown> } => ({ class_name, config });

const MNIST_CNN = seq([
  L('Conv2D', { filters: 32, kernel_size: 3, activation: 'relu', batch_input_shape: [null, 28, 28, 1] }),
  L('MaxPooling2D'),
  L('Conv2D', { filters: 64, kernel_size: 3, activation: 'relu' }),
  L('MaxPooling2D'),
  L('Flatten'),
  L('Dense', { units: 128, activation: 'relu' }),
  L('Dense', { units: 10, activation: 'softmax' }),
]);

// 8×8 images holding one noisy bar: label 0 for a horizontal bar, 1 for a vertical one.
function bars(n: number, seed: number): [Tensor, Tensor] {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 64);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const vertical = rng.uniform() < 0.5;
    const at = Math.floor(rng.uniform() * 8);
    for (let p = 0; p < 64; p++) {
      const [r, c] = [Math.floor(p / 8), p % 8];
      x[i * 64 + p] = ((vertical ? c : r) === at ? 1 : 0) + rng.uniform(-0.2, 0.2);
    }
    y[i] = vertical ? 1 : 0;
  }
  return [new Tensor(x, [n, 8, 8, 1]), new Tensor(y, [n])];
}

describe('CNN models', () => {
  it('inspectModel reports the Keras shapes and the parameter counts TF.js countParams() gives', () => {
    const info = inspectModel(MNIST_CNN);
    expect(info.layers.map((l) => l.outputShape)).toEqual([
      [null, 26, 26, 32],
      [null, 13, 13, 32],
      [null, 11, 11, 64],
      [null, 5, 5, 64],
      [null, 1600],
      [null, 128],
      [null, 10],
    ]);
    const tfModel = tf.sequential({
      layers: [
        tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 128, activation: 'relu' }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    expect(info.layers.map((l) => l.params)).toEqual(tfModel.layers.map((l) => l.countParams()));
    expect(info.params).toBe(tfModel.countParams());
    expect(info.params).toBe(225034);
    // Default names follow Keras's to_snake_case (so weight names match Keras's files).
    expect(info.layers.map((l) => l.name)).toEqual([
      'conv2d',
      'max_pooling2d',
      'conv2d_1',
      'max_pooling2d_1',
      'flatten',
      'dense',
      'dense_1',
    ]);
  });

  it('counts BatchNormalization moving stats as non-trainable params, like Keras summary and TF.js', () => {
    const spec = seq([
      L('Conv2D', { filters: 4, kernel_size: 3, padding: 'same', batch_input_shape: [null, 6, 6, 2] }),
      L('BatchNormalization'),
      L('GlobalAveragePooling2D'),
      L('Dense', { units: 3 }),
    ]);
    const info = inspectModel(spec);
    expect(info.layers.map((l) => l.params)).toEqual([76, 16, 0, 15]);
    const model = modelFromJson(spec, { seed: 1 });
    expect(model.trainableWeights().map((w) => w.size)).toEqual([72, 4, 4, 4, 12, 3]);
    expect(model.summary()).toMatch(/Total params: 107\nTrainable params: 99\nNon-trainable params: 8/);
  });

  it('writes a config TF.js loads, and with the same weights TF.js predicts the same', async () => {
    const spec = seq([
      L('Conv2D', {
        filters: 4,
        kernel_size: [3, 2],
        padding: 'same',
        activation: 'relu',
        batch_input_shape: [null, 6, 5, 2],
      }),
      L('BatchNormalization', { momentum: 0.9 }),
      L('AveragePooling2D', { pool_size: 2, padding: 'same' }),
      L('Conv2D', { filters: 3, kernel_size: 2, dilation_rate: 1, use_bias: false }),
      L('MaxPooling2D', { pool_size: 1 }),
      L('Permute', { dims: [2, 1, 3] }),
      L('Reshape', { target_shape: [4, 3] }), // TF.js cannot infer a -1 here for the Flatten after it
      L('Flatten'),
      L('Dense', { units: 5, activation: 'tanh' }),
      L('Reshape', { target_shape: [5, 1, 1] }),
      L('GlobalMaxPooling2D'),
    ]);
    const model = modelFromJson(spec, { seed: 3 });
    // Move BN's statistics away from 0/1 so inference is a real check.
    const weights = model
      .getWeights()
      .map((w, i) => (i === 3 || i === 4 ? new Tensor(rand(w.shape, i, 0.2, 1.2).data, w.shape) : w));
    model.setWeights(weights);
    const theirs = await tf.models.modelFromJSON({ modelTopology: model.toJSON() } as unknown as tf.io.ModelJSON);
    // Per layer: TF.js's model-level setWeights puts every non-trainable weight after all trainable ones.
    for (const l of model.layers)
      theirs.getLayer(l.name).setWeights(l.weights.map((w) => tf.tensor(w.dataSync(), [...w.shape])));
    expect(theirs.countParams()).toBe(inspectModel(spec).params);
    const x = rand([3, 6, 5, 2], 4);
    const ours = model.predict(x);
    expect(maxDiff(ours, theirs.predict(tf.tensor(x.dataSync(), [...x.shape])) as tf.Tensor)).toBeLessThanOrEqual(1e-5);
  });

  it('reads the configs TF.js toJSON writes for these layers, with TF.js parameter counts', () => {
    const tfModel = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 20, outputDim: 6, inputLength: 8 }),
        tf.layers.reshape({ targetShape: [4, 2, 6] }),
        tf.layers.permute({ dims: [2, 1, 3] }),
        tf.layers.conv2d({
          filters: 5,
          kernelSize: [2, 1],
          strides: [1, 2],
          padding: 'same',
          dilationRate: 1,
          useBias: false,
        }),
        tf.layers.batchNormalization({ momentum: 0.95, scale: false }),
        tf.layers.averagePooling2d({ poolSize: [2, 2], strides: 1 }),
        tf.layers.maxPooling2d({ poolSize: 1, padding: 'same' }),
        tf.layers.globalMaxPooling2d({}),
        tf.layers.dense({ units: 3 }),
      ],
    });
    const json = tfModel.toJSON(undefined, false) as object;
    const info = inspectModel(json);
    expect(info.layers.map((l) => l.params)).toEqual(tfModel.layers.map((l) => l.countParams()));
    expect(info.layers.map((l) => l.outputShape)).toEqual(tfModel.layers.map((l) => l.outputShape));
    const model = modelFromJson(json, { seed: 2 });
    expect(model.layers.map((l) => l.getConfig().name)).toEqual(tfModel.layers.map((l) => l.name));
  });

  it('shape errors name the layer and both shapes', () => {
    const bad = seq([
      L('Conv2D', { filters: 2, kernel_size: 5, batch_input_shape: [null, 8, 8, 1] }),
      L('Conv2D', { name: 'deep', filters: 2, kernel_size: 5 }),
    ]);
    expect(() => inspectModel(bad)).toThrow(NnError);
    expect(() => inspectModel(bad)).toThrow(
      /layer "deep" \(index 1\).*\[null, 0, 0, 2\].*got input shape \[null, 4, 4, 2\]/,
    );
    const reshape = seq([
      L('Dense', { units: 6, batch_input_shape: [null, 3] }),
      L('Reshape', { target_shape: [4, -1] }),
    ]);
    expect(() => inspectModel(reshape)).toThrow(
      /layer "reshape" \(index 1\).*target_shape \[4, -1\], got input shape \[null, 6\]/,
    );
  });

  it('Embedding as the first layer takes its input shape from input_length, not input_dim', () => {
    const spec = seq([L('Embedding', { input_dim: 50, output_dim: 4, input_length: 6 }), L('GlobalAveragePooling1D')]);
    expect(() => inspectModel(spec)).toThrow(/unknown layer class "GlobalAveragePooling1D"/);
    const ok = seq([
      L('Embedding', { input_dim: 50, output_dim: 4, input_length: 6 }),
      L('Flatten'),
      L('Dense', { units: 1 }),
    ]);
    const info = inspectModel(ok);
    expect(info.inputShape).toEqual([6]);
    expect(info.layers.map((l) => [l.outputShape, l.params])).toEqual([
      [[null, 6, 4], 200],
      [[null, 24], 0],
      [[null, 1], 25],
    ]);
    // A later Embedding's vocabulary size is not mistaken for a declared input shape.
    const later = seq([
      L('InputLayer', { batch_input_shape: [null, 7] }),
      L('Embedding', { input_dim: 50, output_dim: 2 }),
    ]);
    expect(inspectModel(later).outputShape).toEqual([7, 2]);
  });

  it('a small CNN learns horizontal vs vertical bars to ≥ 0.95 held-out accuracy', async () => {
    const [x, y] = bars(240, 1);
    const [xt, yt] = bars(100, 2);
    const model = modelFromJson(
      seq([
        L('Conv2D', {
          filters: 4,
          kernel_size: 3,
          activation: 'relu',
          padding: 'same',
          batch_input_shape: [null, 8, 8, 1],
        }),
        // Momentum 0.9: with ~100 steps in all, the default 0.99 would leave the moving stats lagging.
        L('BatchNormalization', { momentum: 0.9 }),
        L('MaxPooling2D'),
        L('Flatten'),
        L('Dense', { units: 2, activation: 'softmax' }),
      ]),
      { seed: 7 },
    );
    model.compile({
      optimizer: { class_name: 'Adam', config: { learning_rate: 0.02 } },
      loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'],
    });
    const h = await model.fit(x, y, { epochs: 8, batchSize: 16 });
    expect(h.history.loss.at(-1)!).toBeLessThan(h.history.loss[0] / 2);
    const p = model.predict(xt).toArray() as number[][];
    const correct = p.filter((row, i) => (row[1] > row[0] ? 1 : 0) === yt.data[i]).length;
    expect(correct / p.length).toBeGreaterThanOrEqual(0.95);
  });
});
