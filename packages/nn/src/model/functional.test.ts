import { Rng, Tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { NnError } from '../errors.js';
import { loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import { fromLayersModel, toLayersModel } from '../io/layers-model.js';
import { loadInTfjs, maxAbsDiff, tf } from '../test-utils/tfjs.js';
import { modelFromJson } from './model.js';
import { inspectModel } from './inspect.js';
import { functional, TWO_HEADS, twoHeadData, uniform } from '../test-utils/functional.js';

/** The same graph with a wider trunk: a different model. */
const widerTrunk = (spec: Record<string, unknown>): Record<string, unknown> => {
  const copy = structuredClone(spec) as { config: { layers: { config: Record<string, unknown> }[] } };
  copy.config.layers[3].config.units = 17;
  return copy;
};

describe('functional Model', () => {
  it('infers shapes through branches and merges, and reports inputs and outputs by name', () => {
    const info = inspectModel(TWO_HEADS);
    expect(info.kind).toBe('functional');
    expect(info.inputs).toEqual([
      { name: 'in_a', shape: [4] },
      { name: 'in_b', shape: [3] },
    ]);
    expect(info.outputs).toEqual([
      { name: 'out_reg', shape: [1] },
      { name: 'out_cls', shape: [3] },
    ]);
    expect(info.layers.map((l) => [l.name, l.outputShape, l.params])).toEqual([
      ['concat', [null, 7], 0],
      ['trunk', [null, 16], 7 * 16 + 16],
      ['out_reg', [null, 1], 17],
      ['out_cls', [null, 3], 51],
    ]);
  });

  it('reads the Keras 3 form (inbound_nodes as call args of __keras_tensor__ objects) and layers listed out of order', () => {
    const kt = (name: string) => ({
      class_name: '__keras_tensor__',
      config: { shape: [null, 4], dtype: 'float32', keras_history: [name, 0, 0] },
    });
    const keras3 = {
      module: 'keras',
      class_name: 'Functional',
      config: {
        name: 'k3',
        layers: [
          {
            module: 'keras.layers',
            class_name: 'Add',
            name: 'sum',
            config: { name: 'sum', trainable: true, dtype: 'float32' },
            inbound_nodes: [{ args: [[kt('d1'), kt('d2')]], kwargs: {} }],
          },
          {
            module: 'keras.layers',
            class_name: 'InputLayer',
            name: 'x',
            config: { batch_shape: [null, 4], dtype: 'float32', name: 'x' },
            inbound_nodes: [],
          },
          {
            module: 'keras.layers',
            class_name: 'Dense',
            name: 'd1',
            config: { name: 'd1', units: 4 },
            inbound_nodes: [{ args: [kt('x')], kwargs: {} }],
          },
          {
            module: 'keras.layers',
            class_name: 'Dense',
            name: 'd2',
            config: { name: 'd2', units: 4 },
            inbound_nodes: [{ args: [kt('x')], kwargs: { training: false } }],
          },
        ],
        input_layers: ['x', 0, 0],
        output_layers: ['sum', 0, 0],
      },
    };
    const info = inspectModel(keras3);
    expect(info.layers.map((l) => l.name)).toEqual(['d1', 'd2', 'sum']);
    expect(info.outputs).toEqual([{ name: 'sum', shape: [4] }]);
  });

  it('trains two heads with loss_weights and logs what Keras logs: the weighted total, each head, prefixed metrics', async () => {
    const model = modelFromJson(TWO_HEADS, { seed: 3 });
    model.compile({
      optimizer: { class_name: 'Adam', config: { learning_rate: 0.02 } },
      loss: { out_reg: 'mse', out_cls: 'sparse_categorical_crossentropy' },
      loss_weights: { out_reg: 0.5, out_cls: 2 },
      metrics: { out_cls: ['accuracy'], out_reg: 'mae' },
    });
    expect(model.metricsNames).toEqual(['loss', 'out_reg_loss', 'out_cls_loss', 'out_reg_mae', 'out_cls_accuracy']);
    const train = twoHeadData(600, 1);
    const test = twoHeadData(200, 2);
    const history = await model.fit({ in_a: train.a, in_b: train.b }, [train.reg, train.cls], {
      epochs: 25,
      batchSize: 32,
      validationData: [[test.a, test.b], { out_cls: test.cls, out_reg: test.reg }],
    });
    expect(Object.keys(history.history).sort()).toEqual(
      [
        'loss',
        'out_reg_loss',
        'out_cls_loss',
        'out_reg_mae',
        'out_cls_accuracy',
        'val_loss',
        'val_out_reg_loss',
        'val_out_cls_loss',
        'val_out_reg_mae',
        'val_out_cls_accuracy',
      ].sort(),
    );
    const logs = model.evaluate([test.a, test.b], [test.reg, test.cls]);
    // The total is the weighted sum of the heads' losses.
    expect(logs.loss).toBeCloseTo(0.5 * logs.out_reg_loss + 2 * logs.out_cls_loss, 5);
    expect(logs.out_cls_accuracy).toBeGreaterThan(0.85);
    expect(logs.out_reg_mae).toBeLessThan(0.25);
    // predictOutputs returns one array per head, in output order, matching evaluate's view.
    const [reg, cls] = model.predictOutputs({ in_b: test.b, in_a: test.a });
    expect(reg.shape).toEqual([200, 1]);
    expect(cls.shape).toEqual([200, 3]);
    let sae = 0;
    for (let i = 0; i < 200; i++) sae += Math.abs(reg.data[i] - test.reg.data[i]);
    expect(sae / 200).toBeCloseTo(logs.out_reg_mae, 5);
  });

  it('trains an Inception-style block: parallel 1×1, 3×3 and pooling branches, concatenated', async () => {
    const conv = (filters: number, k: number) => ({ filters, kernel_size: k, padding: 'same', activation: 'relu' });
    const spec = functional(
      [['image', [8, 8, 1]]],
      [
        ['b1_1x1', 'Conv2D', conv(4, 1), ['image']],
        ['b2_1x1', 'Conv2D', conv(4, 1), ['image']],
        ['b2_3x3', 'Conv2D', conv(6, 3), ['b2_1x1']],
        ['b3_pool', 'AveragePooling2D', { pool_size: 3, strides: 1, padding: 'same' }, ['image']],
        ['b3_1x1', 'Conv2D', conv(2, 1), ['b3_pool']],
        ['mixed', 'Concatenate', { axis: -1 }, ['b1_1x1', 'b2_3x3', 'b3_1x1']],
        ['gap', 'GlobalAveragePooling2D', {}, ['mixed']],
        ['probs', 'Dense', { units: 2, activation: 'softmax' }, ['gap']],
      ],
      ['probs'],
      'inception',
    );
    const info = inspectModel(spec);
    expect(info.layers.find((l) => l.name === 'mixed')?.outputShape).toEqual([null, 8, 8, 12]);
    // Horizontal vs vertical stripes at random phase: only the 3×3 branch can tell them apart locally.
    const rng = new Rng(5);
    const n = 256;
    const x = new Float32Array(n * 64);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const vertical = rng.uniform(0, 1) < 0.5;
      const phase = rng.int(0, 2);
      y[i] = vertical ? 1 : 0;
      for (let r = 0; r < 8; r++)
        for (let c = 0; c < 8; c++) x[i * 64 + r * 8 + c] = (((vertical ? c : r) + phase) % 2) + rng.uniform(-0.2, 0.2);
    }
    const model = modelFromJson(spec, { seed: 11 });
    model.compile({
      optimizer: { class_name: 'Adam', config: { learning_rate: 0.01 } },
      loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'],
    });
    const history = await model.fit(new Tensor(x, [n, 8, 8, 1]), new Tensor(y, [n]), { epochs: 30, batchSize: 32 });
    expect(history.history.accuracy.at(-1)).toBeGreaterThan(0.95);
    expect(model.summary()).toContain('mixed (Concatenate)');
    expect(model.summary()).toMatch(/Connected to/);
    // The trained block predicts the same in TensorFlow.js.
    const { modelJson, weightsBin } = toLayersModel(model);
    const theirs = await loadInTfjs(modelJson, weightsBin);
    const probe = new Tensor(x.slice(0, 16 * 64), [16, 8, 8, 1]);
    expect(
      maxAbsDiff(
        model.predict(probe).data,
        (theirs.predict(tf.tensor(probe.data, [16, 8, 8, 1])) as tf.Tensor).dataSync(),
      ),
    ).toBeLessThanOrEqual(1e-5);
  });

  it('exports a trained two-output model that TensorFlow.js loads and predicts the same (≤ 1e-5)', async () => {
    const model = modelFromJson(TWO_HEADS, { seed: 4 });
    model.compile({ optimizer: 'adam', loss: ['mse', 'sparse_categorical_crossentropy'] });
    const d = twoHeadData(64, 3);
    const before = model.getWeights();
    await model.fit([d.a, d.b], [d.reg, d.cls], { epochs: 2, batchSize: 16 });
    expect(model.getWeights().some((w, i) => maxAbsDiff(w.data, before[i].data) > 1e-3)).toBe(true);
    const { modelJson, weightsBin } = toLayersModel(model);
    const theirs = await loadInTfjs(modelJson, weightsBin);
    const out = theirs.predict([tf.tensor(d.a.data, [64, 4]), tf.tensor(d.b.data, [64, 3])]) as tf.Tensor[];
    const ours = model.predictOutputs([d.a, d.b]);
    expect(out).toHaveLength(2);
    expect(maxAbsDiff(ours[0].data, out[0].dataSync())).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(ours[1].data, out[1].dataSync())).toBeLessThanOrEqual(1e-5);
  });

  it('loads a functional model that TensorFlow.js built and saved, and predicts the same', async () => {
    const a = tf.input({ shape: [5], name: 'a' });
    const b = tf.input({ shape: [5], name: 'b' });
    const da = tf.layers.dense({ units: 5, activation: 'relu', name: 'da' }).apply(a) as tf.SymbolicTensor;
    const gate = tf.layers.dense({ units: 5, activation: 'sigmoid', name: 'gate' }).apply(b) as tf.SymbolicTensor;
    const gated = tf.layers.multiply({ name: 'gated' }).apply([da, gate]) as tf.SymbolicTensor;
    const res = tf.layers.add({ name: 'res' }).apply([gated, a]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2, name: 'out' }).apply(res) as tf.SymbolicTensor;
    const tfModel = tf.model({ inputs: [a, b], outputs: out, name: 'gated_residual' });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await tfModel.save(
      tf.io.withSaveHandler(
        async (art) => (
          (artifacts = art),
          { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
        ),
      ),
    );
    const ours = fromLayersModel(
      { modelTopology: artifacts!.modelTopology, weightsManifest: [{ paths: ['w'], weights: artifacts!.weightSpecs }] },
      new Uint8Array(artifacts!.weightData as ArrayBuffer),
    );
    expect(ours.kind).toBe('functional');
    const rng = new Rng(8);
    const xa = uniform([7, 5], rng);
    const xb = uniform([7, 5], rng);
    const theirs = (tfModel.predict([tf.tensor(xa.data, [7, 5]), tf.tensor(xb.data, [7, 5])]) as tf.Tensor).dataSync();
    expect(maxAbsDiff(ours.predict([xa, xb]).data, theirs)).toBeLessThanOrEqual(1e-5);
  });

  it('takes the same SGD step as TensorFlow.js on a two-output model (≤ 1e-5)', async () => {
    const ours = modelFromJson(TWO_HEADS, { seed: 9 });
    const { modelJson, weightsBin } = toLayersModel(ours);
    const theirs = await loadInTfjs(modelJson, weightsBin);
    const d = twoHeadData(16, 4);
    ours.compile({
      optimizer: { class_name: 'SGD', config: { learning_rate: 0.1, momentum: 0.9 } },
      loss: ['mse', 'sparse_categorical_crossentropy'],
    });
    theirs.compile({
      optimizer: tf.train.momentum(0.1, 0.9),
      loss: ['meanSquaredError', 'sparseCategoricalCrossentropy'],
    });
    await ours.fit([d.a, d.b], [d.reg, d.cls], { epochs: 1, batchSize: 16, shuffle: false });
    await theirs.trainOnBatch(
      [tf.tensor(d.a.data, [16, 4]), tf.tensor(d.b.data, [16, 3])],
      [tf.tensor(d.reg.data, [16, 1]), tf.tensor(d.cls.data, [16])],
    );
    const theirWeights = theirs.getWeights().map((w) => w.dataSync());
    const ourWeights = ours.getWeights();
    expect(ourWeights).toHaveLength(theirWeights.length);
    ourWeights.forEach((w, i) => expect(maxAbsDiff(w.data, theirWeights[i])).toBeLessThanOrEqual(1e-5));
  });

  it('resumes from a checkpoint exactly: 2 + 2 epochs equal 4 uninterrupted, history included', async () => {
    const d = twoHeadData(96, 6);
    const compile = {
      optimizer: 'adam',
      loss: ['mse', 'sparse_categorical_crossentropy'],
      loss_weights: [0.3, 1],
      metrics: { out_cls: ['accuracy'] },
    };
    const opts = { batchSize: 16, validationSplit: 0.25 };
    const full = modelFromJson(TWO_HEADS, { seed: 2 });
    full.compile(compile);
    const fullHistory = await full.fit([d.a, d.b], [d.reg, d.cls], { ...opts, epochs: 4 });
    const first = modelFromJson(TWO_HEADS, { seed: 2 });
    first.compile(compile);
    const h1 = await first.fit([d.a, d.b], [d.reg, d.cls], { ...opts, epochs: 2 });
    const ckpt = saveCheckpoint(first, { epoch: 2, history: h1 });
    const resumed = modelFromJson(TWO_HEADS, { seed: 77 });
    resumed.compile(compile);
    const state = loadCheckpoint(resumed, { json: JSON.stringify(ckpt.json), bin: ckpt.bin });
    const h2 = await resumed.fit([d.a, d.b], [d.reg, d.cls], {
      ...opts,
      epochs: 4,
      initialEpoch: state.epoch,
      seed: state.rngSeed,
    });
    expect(resumed.getWeights().map((w) => Array.from(w.data))).toEqual(
      full.getWeights().map((w) => Array.from(w.data)),
    );
    for (const k of Object.keys(fullHistory.history))
      expect([...state.history.history[k], ...h2.history[k]]).toEqual(fullHistory.history[k]);
    // A checkpoint of another graph is refused.
    const other = modelFromJson(widerTrunk(TWO_HEADS), { seed: 1 });
    expect(() => loadCheckpoint(other, ckpt, { weightsOnly: true })).toThrow(NnError);
  });

  it('round-trips its own JSON', () => {
    const model = modelFromJson(TWO_HEADS, { seed: 1 });
    const again = modelFromJson(model.toJSON(), { seed: 1 });
    expect(again.toJSON()).toEqual(model.toJSON());
    expect(inspectModel(model.toJSON())).toEqual(inspectModel(TWO_HEADS));
  });
});
