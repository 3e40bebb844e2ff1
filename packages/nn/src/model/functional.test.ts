import { Rng, Tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { NnError } from '../errors.js';
import { loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import { fromLayersModel, toLayersModel } from '../io/layers-model.js';
import { thrown } from '../test-utils/fixtures.js';
import { loadInTfjs, maxAbsDiff, tf } from '../test-utils/tfjs.js';
import { modelFromJson } from './model.js';
import { inspectModel } from './inspect.js';

type Node = [name: string, className: string, config: Record<string, unknown>, inputs: string[]];

/** Keras 2 `to_json()` of a functional model: InputLayers, then layers with their inbound nodes. */
function functional(
  inputs: [string, number[]][],
  nodes: Node[],
  outputs: string[],
  name = 'model',
): Record<string, unknown> {
  return {
    class_name: 'Functional',
    config: {
      name,
      layers: [
        ...inputs.map(([n, shape]) => ({
          class_name: 'InputLayer',
          name: n,
          config: { batch_input_shape: [null, ...shape], dtype: 'float32', sparse: false, ragged: false, name: n },
          inbound_nodes: [],
        })),
        ...nodes.map(([n, cls, config, ins]) => ({
          class_name: cls,
          name: n,
          config: { name: n, ...config },
          inbound_nodes: [ins.map((i) => [i, 0, 0, {}])],
        })),
      ],
      input_layers: inputs.map(([n]) => [n, 0, 0]),
      output_layers: outputs.map((n) => [n, 0, 0]),
    },
    keras_version: '2.13.1',
    backend: 'tensorflow',
  };
}

/** Two inputs, a shared trunk, a regression head and a 3-class head (keras-formats.md §7.2). */
const TWO_HEADS = functional(
  [
    ['in_a', [4]],
    ['in_b', [3]],
  ],
  [
    ['concat', 'Concatenate', { axis: -1 }, ['in_a', 'in_b']],
    ['trunk', 'Dense', { units: 16, activation: 'tanh' }, ['concat']],
    ['out_reg', 'Dense', { units: 1 }, ['trunk']],
    ['out_cls', 'Dense', { units: 3, activation: 'softmax' }, ['trunk']],
  ],
  ['out_reg', 'out_cls'],
);

/** The same graph with a wider trunk: a different model. */
const widerTrunk = (spec: Record<string, unknown>): Record<string, unknown> => {
  const copy = structuredClone(spec) as { config: { layers: { config: Record<string, unknown> }[] } };
  copy.config.layers[3].config.units = 17;
  return copy;
};

const uniform = (shape: number[], rng: Rng, lo = -1, hi = 1): Tensor =>
  new Tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(lo, hi)),
    shape,
  );

/** Targets both heads can learn: y_reg = sum(a) - sum(b); class = which third of sum(a) + sum(b) it falls in. */
function twoHeadData(n: number, seed: number): { a: Tensor; b: Tensor; reg: Tensor; cls: Tensor } {
  const rng = new Rng(seed);
  const a = uniform([n, 4], rng);
  const b = uniform([n, 3], rng);
  const reg = new Float32Array(n);
  const cls = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let sa = 0;
    let sb = 0;
    for (let j = 0; j < 4; j++) sa += a.data[i * 4 + j];
    for (let j = 0; j < 3; j++) sb += b.data[i * 3 + j];
    reg[i] = sa - sb;
    cls[i] = sa + sb < -0.8 ? 0 : sa + sb < 0.8 ? 1 : 2;
  }
  return { a, b, reg: new Tensor(reg, [n, 1]), cls: new Tensor(cls, [n]) };
}

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

  describe('rejects bad graphs and bad compile arguments with coded errors and paths', () => {
    const variant = (edit: (layers: Record<string, unknown>[], config: Record<string, unknown>) => void): unknown => {
      const spec = structuredClone(TWO_HEADS) as {
        config: { layers: Record<string, unknown>[] } & Record<string, unknown>;
      };
      edit(spec.config.layers, spec.config);
      return spec;
    };

    it.each([
      [
        'an unknown input name',
        (l: Record<string, unknown>[]) => (l[3].inbound_nodes = [[['nope', 0, 0, {}]]]),
        /"nope"/,
        '/config/layers/3/inbound_nodes/0',
      ],
      [
        'a cycle',
        (l: Record<string, unknown>[]) => (l[3].inbound_nodes = [[['out_reg', 0, 0, {}]]]),
        /cycle/,
        '/config/layers/3/inbound_nodes/0',
      ],
      [
        'a shared layer',
        (l: Record<string, unknown>[]) => (l[3].inbound_nodes = [[['concat', 0, 0, {}]], [['concat', 0, 0, {}]]]),
        /shared layers/,
        '/config/layers/3/inbound_nodes',
      ],
      [
        'a layer with two inputs',
        (l: Record<string, unknown>[]) =>
          (l[3].inbound_nodes = [
            [
              ['in_a', 0, 0, {}],
              ['in_b', 0, 0, {}],
            ],
          ]),
        /takes one input/,
        '/config/layers/3/inbound_nodes',
      ],
      [
        'a merge of mismatched shapes',
        (l: Record<string, unknown>[]) => ((l[2].class_name = 'Add'), (l[2].config = { name: 'concat' })),
        /one shape/,
        '/config/layers/2',
      ],
      [
        'a node index ≠ 0',
        (l: Record<string, unknown>[]) => (l[3].inbound_nodes = [[['concat', 1, 0, {}]]]),
        /node and tensor index/,
        '/config/layers/3/inbound_nodes/0/0',
      ],
      [
        'call kwargs',
        (l: Record<string, unknown>[]) => (l[3].inbound_nodes = [[['concat', 0, 0, { scale: 2 }]]]),
        /not supported/,
        '/config/layers/3/inbound_nodes/0/0/3',
      ],
      [
        'an output that is an input',
        (_: unknown, c: Record<string, unknown>) => (c.output_layers = [['in_a', 0, 0]]),
        /not an InputLayer/,
        '/config/output_layers',
      ],
      [
        'the same output twice',
        (_: unknown, c: Record<string, unknown>) =>
          (c.output_layers = [
            ['out_cls', 0, 0],
            ['out_cls', 0, 0],
          ]),
        /listed twice/,
        '/config/output_layers/1',
      ],
      [
        'an input that is not an InputLayer',
        (_: unknown, c: Record<string, unknown>) => (c.input_layers = [['trunk', 0, 0]]),
        /must name an InputLayer/,
        '/config/input_layers/0',
      ],
      [
        'a Lambda layer',
        (l: Record<string, unknown>[]) => (l[3].class_name = 'Lambda'),
        /unknown layer class "Lambda"/,
        '/config/layers/3/class_name',
      ],
    ])('%s', (_, edit, message, path) => {
      const e = thrown(() => inspectModel(variant(edit as never)));
      expect(e.code).toMatch(/^SPEC_/);
      expect(e.message).toMatch(message);
      expect(e.details.path).toBe(path);
    });

    it('compile arguments per output', () => {
      const model = modelFromJson(TWO_HEADS, { seed: 1 });
      expect(thrown(() => model.compile({ optimizer: 'sgd', loss: ['mse'] })).details.path).toBe('/loss');
      expect(thrown(() => model.compile({ optimizer: 'sgd', loss: { out_reg: 'mse' } })).message).toMatch(
        /no entry for output "out_cls"/,
      );
      expect(
        thrown(() => model.compile({ optimizer: 'sgd', loss: { out_reg: 'mse', out_cls: 'mse', other: 'mse' } }))
          .details.path,
      ).toBe('/loss/other');
      expect(thrown(() => model.compile({ optimizer: 'sgd', loss: 'mse', loss_weights: [1, -1] })).details.path).toBe(
        '/loss_weights/1',
      );
      expect(
        thrown(() => model.compile({ optimizer: 'sgd', loss: 'mse', metrics: [['mae'], ['bogus']] })).details.path,
      ).toBe('/metrics/1/0');
    });

    it('data that does not match the inputs and outputs', async () => {
      const model = modelFromJson(TWO_HEADS, { seed: 1 });
      model.compile({ optimizer: 'sgd', loss: ['mse', 'sparse_categorical_crossentropy'] });
      const d = twoHeadData(8, 1);
      expect(thrown(() => model.predictOutputs(d.a)).message).toMatch(/2 inputs \(in_a, in_b\)/);
      expect(thrown(() => model.predictOutputs({ in_a: d.a })).message).toMatch(/no data for input "in_b"/);
      expect(thrown(() => model.predictOutputs([d.b, d.a])).message).toMatch(/expects input "in_a" of shape/);
      expect(thrown(() => model.predict([d.a, d.b])).message).toMatch(/predictOutputs/);
      await expect(model.fit([d.a, d.b], [d.reg, d.cls], { epochs: 1, classWeight: { 0: 2 } })).rejects.toMatchObject({
        code: 'SPEC_INVALID_FIT_CONFIG',
      });
      await expect(model.fit([d.a, d.b], { out_reg: d.reg, oops: d.cls }, { epochs: 1 })).rejects.toMatchObject({
        code: 'SPEC_INCOMPATIBLE_TARGETS',
      });
    });
  });
});
