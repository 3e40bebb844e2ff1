// Keras fuzz cases, part 2: layer configs from the registry, plausible stacks of them, and structural damage.
import fc from 'fast-check';
import { LAYER_REGISTRY } from '../../packages/nn/src/layers/registry.js';
import { junk, oddScalar } from './schema-arb.js';
import { size, type Data, type Json, type Small } from './keras-data-arb.js';

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
export function plausibleLayers(d: Data, small: Small): fc.Arbitrary<Json[]> {
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
export function damage(layers: Json[], small: Small): fc.Arbitrary<Json[]> {
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
export function inputShape(d: Data): fc.Arbitrary<unknown> {
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
