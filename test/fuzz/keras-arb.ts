// Job specs from the Keras config space: Sequential and functional models built from the layer
// registry, on small built-in or inline datasets, with the compile and fit options the engine
// takes. Each case is `small` (benign sizes: cheap enough to train if accepted) or not (huge,
// zero, negative or mistyped numbers, odd metric configs); both kinds also get structural damage
// (unknown classes, kernels larger than the input, cycles, dangling inbound nodes, shapes that do
// not match the dataset).
import fc from 'fast-check';
import { LAYER_REGISTRY } from '../../packages/nn/src/layers/registry.js';
import { junk, oddScalar } from './schema-arb.js';

type Json = Record<string, any>;
/** true: benign sizes; false: hostile ones; 'bomb': valid but big (memory and compute bombs). */
type Small = boolean | 'bomb';

export interface KerasCase {
  spec: Json;
  /** Every size is benign: if the api accepts it, a worker may train it within the test's budget. */
  small: Small;
}

/** A dataset spec with the shape of one sample and the class count. */
interface Data {
  dataset: Json;
  input: number[];
  classes: number;
  /** Integer token ids in [0, vocab) rather than floats (for Embedding). */
  vocab?: number;
}

const inlineData = (n: number, sample: () => unknown, classes: number): Json => ({
  inline: { x: Array.from({ length: n }, sample), y: Array.from({ length: n }, (_, i) => i % classes) },
});

const grid = (dims: number[], value: (i: number) => number): unknown => {
  let i = 0;
  const build = (d: number): unknown =>
    d === dims.length ? value(i++) : Array.from({ length: dims[d] }, () => build(d + 1));
  return build(0);
};

/** Small datasets; when `big`, the synthetic ones may hold 100,000 samples (so a big batch is a big batch). */
const dataArb = (big: boolean): fc.Arbitrary<Data> =>
  fc.oneof<fc.Arbitrary<Data>[]>(
    fc
      .record({
        samples: big
          ? fc.oneof(fc.integer({ min: 40, max: 200 }), fc.constant(100_000))
          : fc.integer({ min: 40, max: 200 }),
        classes: fc.integer({ min: 2, max: 4 }),
      })
      .map(({ samples, classes }) => ({
        dataset: { builtin: 'spirals', options: { samples, classes } },
        input: [2],
        classes,
      })),
    fc
      .record({
        features: fc.integer({ min: 1, max: 8 }),
        classes: fc.integer({ min: 2, max: 5 }),
        samples: big ? fc.constantFrom(120, 50_000) : fc.constant(120),
      })
      .map(({ features, classes, samples }) => ({
        dataset: { builtin: 'blobs', options: { samples, features, classes } },
        input: [features],
        classes,
      })),
    fc.constant({ dataset: { builtin: 'iris' }, input: [4], classes: 3 }),
    fc.constant({ dataset: { builtin: 'xor', options: { samples: 64 } }, input: [2], classes: 2 }),
    // Images: h × w × c.
    fc
      .tuple(fc.integer({ min: 3, max: 8 }), fc.integer({ min: 3, max: 8 }), fc.integer({ min: 1, max: 2 }))
      .map(([h, w, c]) => ({
        dataset: inlineData(16, () => grid([h, w, c], (i) => ((i * 7) % 11) / 11), 2),
        input: [h, w, c],
        classes: 2,
      })),
    // Sequences: steps × features.
    fc.tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 3 })).map(([t, f]) => ({
      dataset: inlineData(16, () => grid([t, f], (i) => Math.sin(i)), 3),
      input: [t, f],
      classes: 3,
    })),
    // Token ids for an Embedding.
    fc.tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 3, max: 20 })).map(([t, vocab]) => ({
      dataset: inlineData(16, () => grid([t], (i) => (i * 5) % vocab), 2),
      input: [t],
      classes: 2,
      vocab,
    })),
  );

/** Numbers for sizes: small ones, or the ones that break validators and allocators. */
const smallInt = fc.integer({ min: 1, max: 12 });
const hostileInt: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(4096, 20_000, 100_000, 1e6),
  fc.constantFrom(0, -1, -32, 2 ** 31, 2 ** 53, 1e308, 1.5, '16', null, [16], true),
  oddScalar,
);
const size = (small: Small) =>
  small === 'bomb'
    ? fc.constantFrom(1024, 4096, 20_000)
    : small
      ? smallInt
      : fc.oneof({ weight: 5, arbitrary: smallInt }, { weight: 1, arbitrary: hostileInt });
const activation = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.constantFrom(
      'relu',
      'tanh',
      'sigmoid',
      'linear',
      'softmax',
      'elu',
      'selu',
      'gelu',
      'swish',
      'softplus',
      'leaky_relu',
      'relu6',
      'hard_sigmoid',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constantFrom('RELU', 'relu ', '', 'Lambda', 'softmax_v2', 'exponential'),
      fc.constant({ class_name: 'ReLU', config: { max_value: 6 } }),
      oddScalar,
    ),
  },
);
const padding = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('valid', 'same') },
  { weight: 1, arbitrary: fc.constantFrom('full', 'causal', 'SAME', '', 0) },
);

/** A config for any registry class: the keys the layers read, with small or hostile values. */
function layerConfig(small: Small): fc.Arbitrary<Json> {
  const s = size(small);
  // Kernels far larger than the input only when not small: with padding "same" they are valid and heavy.
  const pair = small
    ? fc.oneof(s, fc.tuple(s, s))
    : fc.oneof(s, fc.tuple(s, s), fc.tuple(fc.constantFrom(0, 50, 1000), fc.constantFrom(0, 50, 1000)));
  return fc.record(
    {
      units: s,
      filters: s,
      kernel_size: pair,
      strides: fc.oneof(fc.constantFrom(1, 2, [1, 1], [2, 1]), fc.constantFrom(0, [0, 0], -1)),
      pool_size: pair,
      padding,
      activation,
      rate: fc.oneof(fc.constantFrom(0, 0.1, 0.5), fc.constantFrom(1, -0.5, 2, 'NaN')),
      target_shape: fc.array(fc.oneof(s, fc.constant(-1)), { minLength: 0, maxLength: 4 }),
      dims: fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 4 }),
      axis: fc.oneof(fc.constantFrom(-1, 1, 2, 3), fc.constantFrom(0, 9, [1, 2], -9)),
      input_dim: s,
      output_dim: s,
      return_sequences: fc.boolean(),
      momentum: fc.double({ min: -1, max: 2, noNaN: true }),
      epsilon: fc.constantFrom(1e-3, 0, -1),
      dilation_rate: fc.constantFrom(1, 2, [1, 2], 0),
      groups: fc.constantFrom(1, 2),
      use_bias: fc.oneof(fc.boolean(), fc.constant('yes')),
      data_format: fc.constantFrom('channels_last', 'channels_first'),
    },
    { requiredKeys: [] },
  );
}

const classNames = LAYER_REGISTRY.map((c) => c.className);
const unknownClass = fc.constantFrom(
  'Lambda',
  'Conv3D',
  'dense',
  'DENSE',
  '',
  'InputLayer',
  'Sequential',
  'Functional',
  '__proto__',
  'TFOpLambda',
  'Dense ',
);

/** A layer likely to fit the data at its position: the kind of model people post. */
function plausibleLayers(d: Data, small: Small): fc.Arbitrary<Json[]> {
  const s = size(small);
  const dense = (units: fc.Arbitrary<unknown>) =>
    fc.record({ class_name: fc.constant('Dense'), config: fc.record({ units, activation }) });
  const head = fc.record({
    class_name: fc.constant('Dense'),
    config: fc.constant({ units: d.classes, activation: 'softmax' }),
  });
  const extras = fc.array(
    fc.oneof(
      dense(s),
      fc.record({ class_name: fc.constant('Dropout'), config: fc.record({ rate: fc.constantFrom(0.1, 0.3) }) }),
      fc.record({ class_name: fc.constant('Activation'), config: fc.record({ activation }) }),
      fc.constant({ class_name: 'BatchNormalization', config: {} }),
    ),
    { maxLength: 3 },
  );
  if (d.vocab !== undefined) {
    return fc
      .tuple(fc.oneof(fc.constant(d.vocab), s), s, extras, head)
      .map(([inputDim, outputDim, more, h]) => [
        { class_name: 'Embedding', config: { input_dim: inputDim, output_dim: outputDim } },
        { class_name: 'Flatten', config: {} },
        ...more,
        h,
      ]);
  }
  if (d.input.length === 3) {
    const conv = fc.record({
      class_name: fc.constant('Conv2D'),
      config: fc.record({
        filters: s,
        kernel_size: fc.oneof(
          fc.constantFrom(1, 2, 3, [2, 2]),
          small ? fc.constant(2) : fc.constantFrom(50, [100, 100]),
        ),
        padding,
        activation,
        strides: fc.constantFrom(1, 2),
      }),
    });
    const pool = fc.record({
      class_name: fc.constantFrom('MaxPooling2D', 'AveragePooling2D'),
      config: fc.record({ pool_size: fc.constantFrom(2, [2, 2], 9), padding }),
    });
    const collapse = fc.constantFrom(
      { class_name: 'Flatten', config: {} },
      { class_name: 'GlobalAveragePooling2D', config: {} },
      { class_name: 'GlobalMaxPooling2D', config: {} },
    );
    return fc
      .tuple(fc.array(fc.oneof(conv, pool), { minLength: 1, maxLength: 3 }), collapse, extras, head)
      .map(([convs, c, more, h]) => [...convs, c, ...more, h]);
  }
  if (d.input.length === 2) {
    const rnn = fc.record({
      class_name: fc.constantFrom('SimpleRNN', 'LSTM'),
      config: fc.record({ units: s, return_sequences: fc.boolean() }),
    });
    return fc
      .tuple(fc.array(rnn, { minLength: 1, maxLength: 2 }), extras, head)
      .map(([rnns, more, h]) => [
        ...rnns.map((r, i) => (i < rnns.length - 1 ? { ...r, config: { ...r.config, return_sequences: true } } : r)),
        ...(rnns.at(-1)!.config.return_sequences ? [{ class_name: 'Flatten', config: {} }] : []),
        ...more,
        h,
      ]);
  }
  return fc.tuple(fc.array(dense(s), { maxLength: 3 }), extras, head).map(([a, b, h]) => [...a, ...b, h]);
}

/** Structural damage to a layer list: unknown or random registry classes, configs replaced, layers dropped or duplicated. */
function damage(layers: Json[], small: Small): fc.Arbitrary<Json[]> {
  const at = fc.nat({ max: Math.max(0, layers.length - 1) });
  const replaceWith = (make: fc.Arbitrary<Json>) =>
    fc.tuple(at, make).map(([i, l]) => layers.map((x, j) => (j === i ? l : x)));
  return fc.oneof(
    { weight: 10, arbitrary: fc.constant(layers) },
    { weight: 1, arbitrary: replaceWith(fc.record({ class_name: unknownClass, config: layerConfig(small) })) },
    {
      weight: 3,
      arbitrary: replaceWith(fc.record({ class_name: fc.constantFrom(...classNames), config: layerConfig(small) })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          at,
          fc.constantFrom('units', 'filters', 'kernel_size', 'rate', 'activation', 'pool_size', 'input_dim'),
          small ? fc.constantFrom(0, -1, null, 'x') : junk,
        )
        .map(([i, k, v]) => layers.map((x, j) => (j === i ? { ...x, config: { ...x.config, [k]: v } } : x))),
    },
    { weight: 1, arbitrary: at.map((i) => layers.filter((_, j) => j !== i)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Json[]>(
        [],
        [{ class_name: 'Dense' }],
        [{ config: { units: 2 } }],
        [null as unknown as Json],
        ['Dense' as unknown as Json],
      ),
    },
  );
}

/** Where the first layer learns its input shape: matching the data, or not. */
function inputShape(d: Data): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant(d.input) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom([], [0], [-1], [null], [1e9, 1e9], 'x', null),
      ),
    },
  );
}

function sequential(d: Data, small: Small): fc.Arbitrary<Json> {
  return fc
    .tuple(
      plausibleLayers(d, small).chain((ls) => damage(ls, small)),
      inputShape(d),
      fc.constantFrom('batch_input_shape', 'input_shape', 'InputLayer', 'none'),
    )
    .map(([layers, shape, how]) => {
      const ls = structuredClone(layers);
      if (how === 'InputLayer')
        ls.unshift({
          class_name: 'InputLayer',
          config: { batch_input_shape: Array.isArray(shape) ? [null, ...shape] : shape },
        });
      else if (
        how !== 'none' &&
        ls[0] &&
        typeof ls[0] === 'object' &&
        ls[0].config &&
        typeof ls[0].config === 'object'
      ) {
        ls[0].config[how] = how === 'batch_input_shape' && Array.isArray(shape) ? [null, ...shape] : shape;
      }
      return { class_name: 'Sequential', config: { name: 'fuzz', layers: ls } };
    });
}

/** A functional graph: a chain with an optional merged side branch, then damage to its wiring. */
function functional(d: Data, small: Small): fc.Arbitrary<Json> {
  return fc
    .tuple(
      plausibleLayers(d, small).chain((ls) => damage(ls, small)),
      inputShape(d),
      fc.option(
        fc.tuple(
          fc.constantFrom('Add', 'Concatenate', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Subtract'),
          fc.nat(),
          size(small),
        ),
      ),
      fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom('none', 'keras3') },
        {
          weight: 3,
          arbitrary: fc.constantFrom(
            'cycle',
            'self',
            'dangling',
            'malformed',
            'no-outputs',
            'unknown-output',
            'duplicate-name',
          ),
        },
      ),
      fc.nat(),
    )
    .map(([layers, shape, merge, wiring, pick]) => {
      const ls: Json[] = [
        {
          class_name: 'InputLayer',
          name: 'in',
          config: { name: 'in', batch_input_shape: Array.isArray(shape) ? [null, ...shape] : shape },
          inbound_nodes: [],
        },
      ];
      let prev = 'in';
      layers.forEach((l, i) => {
        const name = `l${i}`;
        const cfg =
          l && typeof l === 'object' && l.config && typeof l.config === 'object' ? { ...l.config, name } : l?.config;
        ls.push({ class_name: l?.class_name, name, config: cfg, inbound_nodes: [[[prev, 0, 0, {}]]] });
        prev = name;
      });
      if (merge && ls.length > 2) {
        // A side branch from an earlier layer joins the last hidden one before the head.
        const [mergeClass, from, units] = merge;
        const head = ls.pop()!;
        const source = ls[from % ls.length].name as string;
        const last = ls.at(-1)!;
        // Half the time the side branch matches a Dense it joins, so element-wise merges can fit.
        const sideUnits = from % 2 === 0 && typeof last.config?.units === 'number' ? last.config.units : units;
        ls.push({
          class_name: 'Dense',
          name: 'side',
          config: { name: 'side', units: sideUnits },
          inbound_nodes: [[[source, 0, 0, {}]]],
        });
        ls.push({
          class_name: mergeClass,
          name: 'merge',
          config: { name: 'merge' },
          inbound_nodes: [
            [
              [last.name, 0, 0, {}],
              ['side', 0, 0, {}],
            ],
          ],
        });
        ls.push({ ...head, inbound_nodes: [[['merge', 0, 0, {}]]] });
      }
      const out = ls.at(-1)!.name as string;
      const config: Json = {
        name: 'fuzz_graph',
        layers: ls,
        input_layers: [['in', 0, 0]],
        output_layers: [[out, 0, 0]],
      };
      const i = 1 + (pick % Math.max(1, ls.length - 1));
      const target = ls[Math.min(i, ls.length - 1)];
      if (wiring === 'cycle') target.inbound_nodes = [[[out, 0, 0, {}]]];
      if (wiring === 'self') target.inbound_nodes = [[[target.name, 0, 0, {}]]];
      if (wiring === 'dangling') target.inbound_nodes = [[['ghost', 0, 0, {}]]];
      if (wiring === 'malformed') target.inbound_nodes = [[['x']], {}, 'l0', [[0, 0, 0]], [[[prev]]]][pick % 5];
      if (wiring === 'no-outputs') config.output_layers = [];
      if (wiring === 'unknown-output') config.output_layers = [['nowhere', 0, 0]];
      if (wiring === 'duplicate-name')
        target.name = target.config && typeof target.config === 'object' ? (target.config.name = 'in') : 'in';
      if (wiring === 'keras3') {
        // Keras 3 writes inbound nodes as call arguments holding keras tensors.
        for (const l of ls.slice(1)) {
          const refs = Array.isArray(l.inbound_nodes?.[0]) ? l.inbound_nodes[0] : [];
          const tensors = refs.map((r: unknown[]) => ({
            class_name: '__keras_tensor__',
            config: { shape: null, dtype: 'float32', keras_history: [r[0], 0, 0] },
          }));
          l.inbound_nodes = [{ args: tensors.length === 1 ? tensors : [tensors], kwargs: {} }];
        }
      }
      return { class_name: 'Functional', config };
    });
}

const optimizer = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('adam', 'sgd', 'rmsprop', 'adagrad', 'adamw') },
  {
    weight: 2,
    arbitrary: fc.record({
      class_name: fc.constantFrom('Adam', 'SGD', 'RMSprop', 'Nadam', 'Adamax'),
      config: fc.record(
        {
          learning_rate: fc.oneof(fc.constantFrom(0.01, 0.001), fc.constantFrom(0, -1, 1e9, 'NaN')),
          clipnorm: fc.constantFrom(1, 0, -1),
        },
        { requiredKeys: ['learning_rate'] },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      class_name: fc.constant('Adam'),
      config: fc.record({
        learning_rate: fc.record({
          class_name: fc.constantFrom('ExponentialDecay', 'CosineDecay', 'PiecewiseConstantDecay', 'Nope'),
          config: fc.record(
            {
              initial_learning_rate: fc.constantFrom(0.01, -1),
              decay_steps: fc.constantFrom(10, 0, -5),
              decay_rate: fc.constantFrom(0.9, 2),
              boundaries: fc.constantFrom([10], [], [5, 1]),
              values: fc.constantFrom([0.1, 0.01], [0.1]),
            },
            { requiredKeys: [] },
          ),
        }),
      }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constantFrom('Adam ', 'lbfgs', ''),
      fc.record({
        class_name: fc.constant('SGD'),
        config: fc.record({ momentum: fc.constantFrom(1.5, -1), nesterov: fc.constant('yes') }),
      }),
    ),
  },
);

const loss = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.constantFrom(
      'sparse_categorical_crossentropy',
      'sparse_categorical_crossentropy',
      'categorical_crossentropy',
      'binary_crossentropy',
      'mse',
      'mae',
      'huber',
      'hinge',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constantFrom('ctc', 'SparseCategoricalCrossentropy', 'kld', ''),
      fc.record({
        class_name: fc.constantFrom('SparseCategoricalCrossentropy', 'Huber', 'Nope'),
        config: fc.record({ from_logits: fc.boolean(), delta: fc.constantFrom(1, -1, 0) }, { requiredKeys: [] }),
      }),
    ),
  },
);

/** Metrics: names and objects, with sane configs when small and odd ones (huge threshold counts, k = 0, …) otherwise. */
function metrics(small: Small): fc.Arbitrary<unknown[]> {
  const odd = small
    ? fc.constantFrom(2, 50, 200)
    : fc.oneof(fc.constantFrom(2, 200), fc.constantFrom(0, 1, -1, 1e7, 1e9, 1.5, 'x'));
  const metric = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'accuracy',
        'acc',
        'sparse_categorical_accuracy',
        'mae',
        'mse',
        'top_k_categorical_accuracy',
        'sparse_top_k_categorical_accuracy',
        'auc',
        'precision',
        'recall',
      ),
    },
    fc.record({
      class_name: fc.constant('AUC'),
      config: fc.record({ num_thresholds: odd, curve: fc.constantFrom('ROC', 'PR', 'XY') }, { requiredKeys: [] }),
    }),
    fc.record({
      class_name: fc.constantFrom('Precision', 'Recall'),
      config: fc.record(
        { thresholds: fc.constantFrom(0.5, 0, 1, 2, [0.1, 0.9]), top_k: fc.constantFrom(1, 0) },
        { requiredKeys: [] },
      ),
    }),
    fc.record({
      class_name: fc.constantFrom('TopKCategoricalAccuracy', 'SparseTopKCategoricalAccuracy'),
      config: fc.record({ k: small ? fc.constantFrom(1, 2) : odd }),
    }),
    fc.oneof(
      fc.constantFrom('f1', 'Accuracy ', '', 'loss'),
      fc.constant({ class_name: 'MeanIoU', config: { num_classes: 2 } }),
    ),
  );
  return fc.array(metric, { maxLength: 3 });
}

/** fit: one short epoch when small; anything the schema allows (and some it does not) otherwise. */
function fit(small: Small): fc.Arbitrary<Json> {
  if (small === 'bomb')
    return fc.record({ epochs: fc.constantFrom(1, 1000), batch_size: fc.constantFrom(4096, 65_536) });
  if (small) {
    return fc.record(
      {
        epochs: fc.constant(1),
        batch_size: fc.constantFrom(8, 16, 32),
        validation_split: fc.constantFrom(0, 0.2),
        shuffle: fc.boolean(),
      },
      { requiredKeys: ['epochs'] },
    );
  }
  // Valid values everywhere but (often) one field, so most cases get past the schema to the engine.
  const fields: Record<string, [fc.Arbitrary<unknown>, fc.Arbitrary<unknown>]> = {
    epochs: [fc.constantFrom(1, 2, 1000), fc.constantFrom(0, -1, 1.5, 1001)],
    batch_size: [fc.constantFrom(1, 32, 65_536), fc.constantFrom(0, -1, 65_537, 1e9)],
    validation_split: [fc.constantFrom(0, 0.5, 0.99), fc.constantFrom(1, -0.1)],
    initial_epoch: [fc.constantFrom(0, 1, 999), fc.constantFrom(5000, -1)],
    class_weight: [fc.constantFrom({ '0': 1, '1': 2 }, { '0': 0 }), fc.constantFrom({ '0': -1 }, { x: 1 }, { '9': 1 })],
    callbacks: [
      fc.constantFrom(
        [{ class_name: 'EarlyStopping', config: { monitor: 'loss', patience: 1 } }],
        [{ class_name: 'TerminateOnNaN' }],
      ),
      fc.constantFrom(
        [{ class_name: 'EarlyStopping', config: { monitor: 'nonsense' } }],
        [{ class_name: 'ReduceLROnPlateau', config: { factor: 2 } }],
        [{ class_name: 'ModelCheckpoint', config: { filepath: '/etc/passwd' } }],
        [{}],
        'EarlyStopping',
      ),
    ],
  };
  const names = Object.keys(fields);
  return fc
    .tuple(
      fc.record(Object.fromEntries(names.map((k) => [k, fields[k][0]])), { requiredKeys: ['epochs'] }),
      fc.nat({ max: 3 }),
      fc.constantFrom(...names).chain((k) => fields[k][1].map((v) => [k, v] as const)),
    )
    .map(([good, dice, [k, v]]) => (dice === 0 ? { ...good, [k]: v } : good));
}

/**
 * One job spec from the Keras config space. A case is small, or hostile in one area (layer sizes,
 * fit, metrics) with the others benign, so that hostile values are not always refused for some
 * other reason first, or hostile in all of them, or a bomb: valid big layers at a big batch size
 * on a big dataset, with odd metrics (the memory and compute bombs of issue 13).
 */
export const kerasCase: fc.Arbitrary<KerasCase> = fc
  .constantFrom('small', 'sizes', 'fit', 'metrics', 'all', 'bomb')
  .chain((kind) => fc.tuple(fc.constant(kind), dataArb(kind === 'all' || kind === 'fit' || kind === 'bomb')))
  .chain(([kind, d]) =>
    fc
      .record({
        model: fc.oneof(
          sequential(d, kind === 'bomb' ? 'bomb' : kind !== 'sizes' && kind !== 'all'),
          functional(d, kind === 'bomb' ? 'bomb' : kind !== 'sizes' && kind !== 'all'),
        ),
        optimizer,
        loss,
        metrics: metrics(kind !== 'metrics' && kind !== 'all' && kind !== 'bomb'),
        fit: fit(kind === 'bomb' ? 'bomb' : kind !== 'fit' && kind !== 'all'),
        seed: fc.nat({ max: 2 ** 32 - 1 }),
      })
      .map(({ model, optimizer: opt, loss: l, metrics: m, fit: f, seed }) => ({
        small: kind === 'small',
        spec: {
          model,
          compile: { optimizer: opt, loss: l, metrics: m },
          fit: f,
          dataset: d.dataset,
          seed,
          timeout_seconds: kind === 'small' ? 60 : 600,
        },
      })),
  );
