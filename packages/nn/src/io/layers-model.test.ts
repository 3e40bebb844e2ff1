import { Rng, Tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { modelFromJson, type Model } from '../model/model.js';
import { fromLayersModel, toLayersModel, type LayersModelJson } from './layers-model.js';
import type { WeightSpec } from './weights.js';
import { loadInTfjs, maxAbsDiff, tf } from '../test-utils/tfjs.js';

const rand = (shape: number[], seed: number, lo = -1, hi = 1): Tensor => {
  const r = new Rng(seed);
  return new Tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.uniform(lo, hi)),
    shape,
  );
};
const labels = (n: number, classes: number, seed: number): Tensor => {
  const r = new Rng(seed);
  return new Tensor(
    Float32Array.from({ length: n }, () => r.int(0, classes)),
    [n],
  );
};

async function trained(spec: object, inputShape: number[], classes: number, seed: number): Promise<Model> {
  const model = modelFromJson(spec, { seed });
  model.compile({
    optimizer: { class_name: 'Adam', config: { learning_rate: 0.01 } },
    loss: 'sparse_categorical_crossentropy',
  });
  const before = model.getWeights();
  await model.fit(rand([48, ...inputShape], seed + 1), labels(48, classes, seed + 2), { epochs: 2, batchSize: 16 });
  // Training must have moved the weights, or the comparison would only test the initialiser.
  expect(model.getWeights().some((w, i) => maxAbsDiff(w.data, before[i].data) > 1e-3)).toBe(true);
  return model;
}

async function expectSamePredictions(model: Model, inputShape: number[]): Promise<void> {
  const { modelJson, weightsBin } = toLayersModel(model);
  const tfModel = await loadInTfjs(modelJson, weightsBin);
  const x = rand([10, ...inputShape], 99);
  const theirs = (tfModel.predict(tf.tensor(x.data, [10, ...inputShape])) as tf.Tensor).dataSync();
  expect(maxAbsDiff(model.predict(x).data, theirs)).toBeLessThanOrEqual(1e-5);
  expect(tfModel.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
}

const MLP = {
  class_name: 'Sequential',
  config: {
    name: 'mlp',
    layers: [
      { class_name: 'Dense', config: { name: 'hidden', units: 16, activation: 'relu', batch_input_shape: [null, 6] } },
      { class_name: 'Dropout', config: { rate: 0.2 } },
      { class_name: 'Dense', config: { units: 8, kernel_initializer: 'lecun_normal' } },
      { class_name: 'Activation', config: { activation: 'tanh' } },
      { class_name: 'Dense', config: { units: 3, activation: 'softmax' } },
    ],
  },
};

describe('toLayersModel → tf.loadLayersModel', () => {
  it('an MLP with Dropout and Activation trained here predicts the same in TF.js', async () => {
    const model = await trained(MLP, [6], 3, 1);
    const { modelJson } = toLayersModel(model);
    const layers = (
      modelJson.modelTopology.config as { layers: { class_name: string; config: Record<string, unknown> }[] }
    ).layers;
    expect(layers.map((l) => l.class_name)).toEqual(['Dense', 'Dropout', 'Dense', 'Activation', 'Dense']);
    expect(layers[0].config).toMatchObject({
      name: 'hidden',
      batch_input_shape: [null, 6],
      dtype: 'float32',
      activation: 'relu',
      kernel_initializer: { class_name: 'GlorotUniform' },
    });
    expect(layers[2].config.kernel_initializer).toMatchObject({ class_name: 'LeCunNormal' });
    expect(layers.slice(1).every((l) => l.config.batch_input_shape === undefined)).toBe(true);
    expect(modelJson).toMatchObject({
      format: 'layers-model',
      convertedBy: null,
      generatedBy: expect.stringMatching(/^trainyard /),
      modelTopology: { class_name: 'Sequential', keras_version: expect.any(String), backend: expect.any(String) },
    });
    expect(modelJson).not.toHaveProperty('trainingConfig');
    await expectSamePredictions(model, [6]);
  });

  it('a CNN (Conv2D, MaxPooling2D) trained here predicts the same in TF.js', async () => {
    const cnn = {
      class_name: 'Sequential',
      config: {
        layers: [
          {
            class_name: 'Conv2D',
            config: {
              filters: 4,
              kernel_size: [3, 3],
              activation: 'relu',
              padding: 'same',
              batch_input_shape: [null, 8, 8, 2],
            },
          },
          { class_name: 'MaxPooling2D', config: { pool_size: [2, 2] } },
          {
            class_name: 'Conv2D',
            config: { filters: 3, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', activation: 'tanh' },
          },
          { class_name: 'Flatten', config: {} },
          { class_name: 'Dense', config: { units: 3, activation: 'softmax' } },
        ],
      },
    };
    await expectSamePredictions(await trained(cnn, [8, 8, 2], 3, 2), [8, 8, 2]);
  });

  it('BatchNormalization: moving statistics are saved last (non-trainable) and TF.js predicts the same', async () => {
    const bn = {
      class_name: 'Sequential',
      config: {
        layers: [
          { class_name: 'Dense', config: { units: 8, batch_input_shape: [null, 6] } },
          { class_name: 'BatchNormalization', config: { momentum: 0.5 } },
          { class_name: 'Activation', config: { activation: 'relu' } },
          { class_name: 'Dense', config: { units: 3, activation: 'softmax' } },
        ],
      },
    };
    const model = await trained(bn, [6], 3, 3);
    const { modelJson } = toLayersModel(model);
    const names = modelJson.weightsManifest[0].weights.map((w) => w.name);
    expect(names).toEqual([
      'dense/kernel',
      'dense/bias',
      'batch_normalization/gamma',
      'batch_normalization/beta',
      'dense_1/kernel',
      'dense_1/bias',
      'batch_normalization/moving_mean',
      'batch_normalization/moving_variance',
    ]);
    // Training moved the moving statistics away from their initial zeros/ones.
    const movingMean = model.getWeights()[4];
    expect(Math.max(...Array.from(movingMean.data, Math.abs))).toBeGreaterThan(1e-3);
    await expectSamePredictions(model, [6]);
  });
});

describe('toLayersModel manifest', () => {
  it('lays weights out back to back: trainable first, then non-trainable, unique names, float32 LE', () => {
    const spec = structuredClone(MLP);
    (spec.config.layers[2].config as Record<string, unknown>).trainable = false;
    const model = modelFromJson(spec, { seed: 3 });
    const { modelJson, weightsBin } = toLayersModel(model);
    expect(modelJson.weightsManifest).toHaveLength(1);
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    const specs = modelJson.weightsManifest[0].weights;
    expect(specs.map((s) => s.name)).toEqual([
      'hidden/kernel',
      'hidden/bias',
      'dense_1/kernel',
      'dense_1/bias',
      'dense/kernel',
      'dense/bias',
    ]);
    expect(specs.map((s) => s.shape)).toEqual([[6, 16], [16], [8, 3], [3], [16, 8], [8]]);
    expect(specs.every((s) => s.dtype === 'float32')).toBe(true);
    expect(weightsBin.byteLength).toBe(4 * (96 + 16 + 24 + 3 + 128 + 8));
    const view = new DataView(weightsBin.buffer, weightsBin.byteOffset, weightsBin.byteLength);
    const byName = new Map(
      model
        .getWeights()
        .map((w, i) => [
          ['hidden/kernel', 'hidden/bias', 'dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias'][i],
          w,
        ]),
    );
    let offset = 0;
    for (const s of specs) {
      const w = byName.get(s.name)!;
      const read = Float32Array.from({ length: w.size }, (_, i) => view.getFloat32(offset + 4 * i, true));
      expect(Array.from(read)).toEqual(Array.from(w.data));
      offset += 4 * w.size;
    }
    expect(offset).toBe(weightsBin.byteLength);
  });

  it('round-trips through fromLayersModel with identical weights and predictions', () => {
    const model = modelFromJson(MLP, { seed: 4 });
    const { modelJson, weightsBin } = toLayersModel(model);
    const again = fromLayersModel(JSON.parse(JSON.stringify(modelJson)), weightsBin, { seed: 5 });
    expect(again.getWeights().map((w) => Array.from(w.data))).toEqual(
      model.getWeights().map((w) => Array.from(w.data)),
    );
    expect(again.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    const x = rand([4, 6], 6);
    expect(Array.from(again.predict(x).data)).toEqual(Array.from(model.predict(x).data));
  });
});

describe('fromLayersModel of a TF.js-saved model', () => {
  async function tfjsSaved(
    includeOptimizer = false,
  ): Promise<{ tfModel: tf.Sequential; artifacts: tf.io.ModelArtifacts }> {
    const tfModel = tf.sequential();
    tfModel.add(tf.layers.dense({ units: 7, activation: 'relu', inputShape: [5] }));
    tfModel.add(tf.layers.dropout({ rate: 0.3 }));
    tfModel.add(tf.layers.dense({ units: 4, kernelInitializer: 'leCunNormal', biasInitializer: 'randomNormal' }));
    tfModel.add(tf.layers.activation({ activation: 'sigmoid' }));
    tfModel.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
    if (includeOptimizer) {
      tfModel.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
      await tfModel.fit(tf.randomUniform([8, 5]), tf.oneHot(tf.tensor1d([0, 1, 0, 1, 1, 0, 0, 1], 'int32'), 2), {
        epochs: 1,
        verbose: 0,
      });
    }
    let artifacts: tf.io.ModelArtifacts | undefined;
    await tfModel.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
      { includeOptimizer },
    );
    return { tfModel, artifacts: artifacts! };
  }

  const predictBoth = (tfModel: tf.Sequential, ours: Model): number => {
    const x = rand([6, 5], 7);
    return maxAbsDiff(ours.predict(x).data, (tfModel.predict(tf.tensor(x.data, [6, 5])) as tf.Tensor).dataSync());
  };

  it('loads topology without InputLayer, dense_DenseN names and VarianceScaling initializers, and predicts the same', async () => {
    const { tfModel, artifacts } = await tfjsSaved();
    const topology = artifacts.modelTopology as {
      config: { layers: { config: { name: string; kernel_initializer?: unknown } }[] };
    };
    expect(topology.config.layers[0].config.name).toMatch(/^dense_Dense\d+$/);
    expect(topology.config.layers[0].config.kernel_initializer).toMatchObject({
      class_name: 'VarianceScaling',
      config: { distribution: 'normal' },
    });
    const modelJson = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    };
    const model = fromLayersModel(modelJson, artifacts.weightData as ArrayBuffer, { seed: 1 });
    expect(model.layers.map((l) => l.name)).toEqual(tfModel.layers.map((l) => l.name));
    expect(predictBoth(tfModel, model)).toBeLessThanOrEqual(1e-5);
    // The artifacts object itself (weightSpecs + weightData) is accepted too.
    expect(predictBoth(tfModel, fromLayersModel(artifacts, artifacts.weightData as ArrayBuffer))).toBeLessThanOrEqual(
      1e-5,
    );
  });

  it('ignores the optimizer group and trainingConfig written with includeOptimizer', async () => {
    const { tfModel, artifacts } = await tfjsSaved(true);
    const specs = artifacts.weightSpecs!;
    expect(specs.filter((s) => s.group === 'optimizer').length).toBeGreaterThan(0);
    expect(artifacts.trainingConfig).toBeDefined();
    expect(predictBoth(tfModel, fromLayersModel(artifacts, artifacts.weightData as ArrayBuffer))).toBeLessThanOrEqual(
      1e-5,
    );
  });

  it('a TF.js CNN (conv2d, maxPooling2d, flatten) loads and predicts the same', async () => {
    const tfModel = tf.sequential();
    tfModel.add(
      tf.layers.conv2d({
        filters: 3,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        inputShape: [6, 6, 2],
        biasInitializer: 'randomNormal',
      }),
    );
    tfModel.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    tfModel.add(tf.layers.conv2d({ filters: 2, kernelSize: [2, 2], strides: 2, activation: 'tanh' }));
    tfModel.add(tf.layers.flatten());
    tfModel.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
    let artifacts: tf.io.ModelArtifacts | undefined;
    await tfModel.save(
      tf.io.withSaveHandler(
        async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }),
      ),
    );
    const model = fromLayersModel(artifacts!, artifacts!.weightData as ArrayBuffer);
    const x = rand([4, 6, 6, 2], 8);
    const theirs = (tfModel.predict(tf.tensor(x.data, [4, 6, 6, 2])) as tf.Tensor).dataSync();
    expect(maxAbsDiff(model.predict(x).data, theirs)).toBeLessThanOrEqual(1e-5);
  });

  it('matches weights by name in any order, across several groups and files', async () => {
    const { tfModel, artifacts } = await tfjsSaved();
    const specs = artifacts.weightSpecs!;
    const all = new Uint8Array(artifacts.weightData as ArrayBuffer);
    // Cut the original stream into per-weight slices, then reverse them into two groups.
    let offset = 0;
    const pieces = specs
      .map((s) => {
        const n = 4 * s.shape.reduce((a, b) => a * b, 1);
        const bytes = all.slice(offset, (offset += n));
        return { s, bytes };
      })
      .reverse();
    const half = Math.ceil(pieces.length / 2);
    const groups = [pieces.slice(0, half), pieces.slice(half)];
    const weightsManifest = groups.map((g, i) => ({
      paths: [`group${i + 1}-shard1of1.bin`],
      weights: g.map((p) => p.s),
    }));
    const chunks = groups.map((g) => {
      const out = new Uint8Array(g.reduce((n, p) => n + p.bytes.length, 0));
      g.reduce((o, p) => (out.set(p.bytes, o), o + p.bytes.length), 0);
      return out;
    });
    // A weight may straddle files: split the second group's bytes in two.
    const cut = Math.floor(chunks[1].length / 2) + 2;
    const files = [chunks[0], chunks[1].subarray(0, cut), chunks[1].subarray(cut)];
    const model = fromLayersModel({ modelTopology: artifacts.modelTopology, weightsManifest }, files);
    expect(predictBoth(tfModel, model)).toBeLessThanOrEqual(1e-5);
  });
});

describe('fromLayersModel rejects bad inputs', () => {
  const base = () => {
    const { modelJson, weightsBin } = toLayersModel(modelFromJson(MLP, { seed: 8 }));
    return { json: structuredClone(modelJson) as LayersModelJson, bin: weightsBin };
  };
  const specs = (j: LayersModelJson): WeightSpec[] => j.weightsManifest[0].weights;
  const code = (c: string, message: RegExp) =>
    expect.objectContaining({ name: 'NnError', code: c, message: expect.stringMatching(message) });

  it('a missing weight', () => {
    const { json, bin } = base();
    const dropped = specs(json).pop()!;
    expect(() => fromLayersModel(json, bin.subarray(0, bin.length - 4 * dropped.shape[0]))).toThrow(
      code('SPEC_INVALID_WEIGHTS', /1 of 6 model weights are missing.*dense_1\/bias/),
    );
  });

  it('an extra weight, unless strict is false', () => {
    const { json, bin } = base();
    specs(json).push({ name: 'ghost/kernel', shape: [2], dtype: 'float32' });
    const longer = new Uint8Array(bin.length + 8);
    longer.set(bin);
    expect(() => fromLayersModel(json, longer)).toThrow(
      code('SPEC_INVALID_WEIGHTS', /match no model weight: ghost\/kernel/),
    );
    expect(fromLayersModel(json, longer, { strict: false }).layers).toHaveLength(5);
  });

  it('a shape mismatch, with the manifest path', () => {
    const { json, bin } = base();
    specs(json)[0].shape = [16, 6];
    expect(() => fromLayersModel(json, bin)).toThrow(
      expect.objectContaining({
        code: 'SPEC_INVALID_WEIGHTS',
        details: expect.objectContaining({ path: '/weightsManifest/0/weights/0/shape', weight: 'hidden/kernel' }),
      }),
    );
  });

  it('truncated or overlong weight data, duplicate names, unknown dtypes', () => {
    const { json, bin } = base();
    expect(() => fromLayersModel(json, bin.subarray(0, bin.length - 1))).toThrow(
      code('SPEC_INVALID_WEIGHTS', /truncated: weight "dense_1\/bias"/),
    );
    const longer = new Uint8Array(bin.length + 4);
    longer.set(bin);
    expect(() => fromLayersModel(json, longer)).toThrow(
      code('SPEC_INVALID_WEIGHTS', /bytes but the manifest describes/),
    );
    const dup = structuredClone(json);
    specs(dup)[1].name = 'hidden/kernel';
    expect(() => fromLayersModel(dup, bin)).toThrow(
      code('SPEC_INVALID_WEIGHTS', /"hidden\/kernel" appears more than once/),
    );
    const bad = structuredClone(json);
    (specs(bad)[0] as { dtype: string }).dtype = 'float64';
    expect(() => fromLayersModel(bad, bin)).toThrow(code('SPEC_INVALID_WEIGHTS', /unknown dtype "float64"/));
  });

  it('an unknown layer class, a missing topology, a graph model', () => {
    const { json, bin } = base();
    const layers = (json.modelTopology.config as { layers: { class_name: string }[] }).layers;
    layers[3].class_name = 'Lambda';
    expect(() => fromLayersModel(json, bin)).toThrow(code('SPEC_UNKNOWN_LAYER', /unknown layer class "Lambda"/));
    expect(() => fromLayersModel({ weightsManifest: [] }, bin)).toThrow(code('SPEC_INVALID_MODEL', /modelTopology/));
    expect(() => fromLayersModel({ ...base().json, format: 'graph-model' }, bin)).toThrow(
      code('SPEC_INVALID_MODEL', /only "layers-model"/),
    );
  });
});
