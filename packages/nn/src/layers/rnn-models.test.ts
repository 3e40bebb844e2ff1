import { Rng, Tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { fromLayersModel, modelFromJson, toLayersModel } from '../index.js';
import { maxDiff, rand, tf } from './test-utils/oracle.js';

// x_0 XOR x_{T-1} over random bits: needs memory across the sequence and is not linearly separable.
function xorTask(n: number, steps: number, seed: number): [Tensor, Tensor] {
  const r = new Rng(seed);
  const x = Float32Array.from({ length: n * steps }, () => (r.uniform(0, 1) < 0.5 ? 0 : 1));
  const y = Float32Array.from({ length: n }, (_, i) => (x[i * steps] !== x[i * steps + steps - 1] ? 1 : 0));
  return [new Tensor(x, [n, steps, 1]), new Tensor(y, [n])];
}

describe('recurrent models', () => {
  it('an LSTM(16) → Dense(2) Sequential learns x_0 XOR x_last, which a linear model cannot', async () => {
    const steps = 6;
    const head = { class_name: 'Dense', config: { units: 2, activation: 'softmax' } };
    const spec = (first: object): object => ({
      class_name: 'Sequential',
      config: { layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, steps, 1] } }, first, head] },
    });
    const compile = {
      optimizer: { class_name: 'Adam', config: { learning_rate: 0.02 } },
      loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'],
    };
    const [x, y] = xorTask(512, steps, 2);
    const [xTest, yTest] = xorTask(256, steps, 3);

    const lstm = modelFromJson(spec({ class_name: 'LSTM', config: { units: 16 } }), { seed: 1 });
    lstm.compile(compile);
    await lstm.fit(x, y, { epochs: 10, batchSize: 32 });
    const linear = modelFromJson(spec({ class_name: 'Flatten', config: {} }), { seed: 1 });
    linear.compile(compile);
    await linear.fit(x, y, { epochs: 10, batchSize: 32 });

    expect(lstm.evaluate(xTest, yTest).accuracy).toBeGreaterThanOrEqual(0.95);
    expect(linear.evaluate(xTest, yTest).accuracy).toBeLessThan(0.7);
  });

  it('a TF.js-saved Sequential with LSTM and SimpleRNN loads with fromLayersModel and predicts the same', async () => {
    const [steps, features] = [7, 3];
    const tfModel = tf.sequential();
    tfModel.add(
      tf.layers.lstm({
        units: 5,
        recurrentActivation: 'sigmoid',
        returnSequences: true,
        biasInitializer: 'randomNormal',
        inputShape: [steps, features],
      }),
    );
    tfModel.add(tf.layers.simpleRNN({ units: 4, goBackwards: true, biasInitializer: 'randomNormal' }));
    tfModel.add(tf.layers.dense({ units: 2 }));
    let artifacts: tf.io.ModelArtifacts | undefined;
    await tfModel.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const a = artifacts!;
    expect(a.weightSpecs!.map((w) => w.name.split('/')[1])).toEqual([
      'kernel',
      'recurrent_kernel',
      'bias',
      'kernel',
      'recurrent_kernel',
      'bias',
      'kernel',
      'bias',
    ]);
    const model = fromLayersModel(a, a.weightData as ArrayBuffer, { seed: 1 });
    const x = rand([6, steps, features], 8);
    const theirs = tfModel.predict(tf.tensor(x.data, [6, steps, features])) as tf.Tensor;
    const d = maxDiff(model.predict(x), theirs);
    console.log(`TF.js → fromLayersModel max |diff|: ${d.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(1e-5);
  });

  it('an LSTM with TF.js defaults (recurrent_activation hard_sigmoid) loads and predicts the same', async () => {
    const tfModel = tf.sequential();
    tfModel.add(tf.layers.lstm({ units: 3, inputShape: [4, 2], biasInitializer: 'randomNormal' }));
    let artifacts: tf.io.ModelArtifacts | undefined;
    await tfModel.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const model = fromLayersModel(artifacts!, artifacts!.weightData as ArrayBuffer);
    expect(model.layers[0].getConfig()).toMatchObject({ recurrent_activation: 'hard_sigmoid' });
    // Inputs large enough that 0.2x + 0.5 saturates on some gates: the clipped branch is exercised too.
    const x = rand([6, 4, 2], 3, -6, 6);
    expect(maxDiff(model.predict(x), tfModel.predict(tf.tensor(x.data, [6, 4, 2])) as tf.Tensor)).toBeLessThanOrEqual(
      1e-5,
    );
  });

  it('a model with stacked LSTMs trained here exports with toLayersModel and predicts the same in TF.js', async () => {
    const [steps, features] = [5, 2];
    const spec = {
      class_name: 'Sequential',
      config: {
        layers: [
          {
            class_name: 'LSTM',
            config: {
              name: 'encoder',
              units: 6,
              return_sequences: true,
              go_backwards: true,
              batch_input_shape: [null, steps, features],
            },
          },
          { class_name: 'LSTM', config: { units: 4, kernel_initializer: 'lecun_normal' } },
          { class_name: 'Dense', config: { units: 3, activation: 'softmax' } },
        ],
      },
    };
    const model = modelFromJson(spec, { seed: 4 });
    model.compile({
      optimizer: { class_name: 'Adam', config: { learning_rate: 0.05 } },
      loss: 'sparse_categorical_crossentropy',
    });
    const before = model.getWeights();
    const r = new Rng(6);
    await model.fit(
      rand([32, steps, features], 5),
      new Tensor(
        Float32Array.from({ length: 32 }, () => r.int(0, 3)),
        [32],
      ),
      { epochs: 2, batchSize: 8 },
    );
    expect(model.getWeights().every((w, i) => w.data.some((v, j) => Math.abs(v - before[i].data[j]) > 1e-4))).toBe(
      true,
    );

    const { modelJson, weightsBin } = toLayersModel(model);
    const layers = (
      modelJson.modelTopology.config as { layers: { class_name: string; config: Record<string, unknown> }[] }
    ).layers;
    expect(layers[0].config).toMatchObject({
      recurrent_activation: 'sigmoid',
      unit_forget_bias: true,
      go_backwards: true,
      recurrent_initializer: { class_name: 'Orthogonal' },
    });
    const weightSpecs = modelJson.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[];
    const weightData = weightsBin.buffer.slice(
      weightsBin.byteOffset,
      weightsBin.byteOffset + weightsBin.byteLength,
    ) as ArrayBuffer;
    const tfModel = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData }),
    );
    const x = rand([10, steps, features], 9);
    const d = maxDiff(model.predict(x), tfModel.predict(tf.tensor(x.data, [10, steps, features])) as tf.Tensor);
    console.log(`toLayersModel → TF.js max |diff|: ${d.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(1e-5);
  });
});
