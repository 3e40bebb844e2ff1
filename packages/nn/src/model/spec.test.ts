import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { Dense } from '../layers/dense.js';
import { KERAS2, KERAS3, mlp, thrown } from '../test-utils/fixtures.js';
import { inspectModel } from './inspect.js';

const expected = {
  kind: 'sequential',
  layers: [
    { name: 'dense', className: 'Dense', outputShape: [null, 8], params: 40 },
    { name: 'dense_1', className: 'Dense', outputShape: [null, 3], params: 27 },
  ],
  outputs: [{ name: 'dense_1', shape: [3] }],
  inputShape: [4],
  outputShape: [3],
  params: 67,
};

describe('inspectModel', () => {
  it('reads Keras 2 JSON with an InputLayer', () => {
    expect(inspectModel(KERAS2)).toMatchObject(expected);
  });

  it('reads Keras 3 JSON (module, registered_name, build_config, DTypePolicy, batch_shape)', () => {
    expect(inspectModel(KERAS3)).toMatchObject(expected);
    expect(inspectModel(JSON.stringify(KERAS3))).toMatchObject(expected);
  });

  it('reads what TF.js toJSON writes (no InputLayer, batch_input_shape on the first layer)', () => {
    const m = tf.sequential({
      layers: [
        tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu', name: 'dense' }),
        tf.layers.dense({ units: 3, activation: 'softmax', name: 'dense_1' }),
      ],
    });
    const json = m.toJSON(null, false);
    expect(inspectModel(json)).toMatchObject(expected);
    expect(inspectModel({ modelTopology: json, format: 'layers-model' })).toMatchObject(expected);
  });

  it('reads Keras ≤ 2.2 bare layer lists, input_dim and input_shape', () => {
    const layers = [
      { class_name: 'Dense', config: { units: 8, activation: 'relu', input_dim: 4 } },
      { class_name: 'Dense', config: { units: 3, activation: 'softmax' } },
    ];
    expect(inspectModel({ class_name: 'Sequential', config: layers })).toMatchObject(expected);
    const withShape = [{ class_name: 'Dense', config: { units: 8, input_shape: [4] } }, layers[1]];
    expect(inspectModel({ class_name: 'Sequential', config: { layers: withShape } }).params).toBe(67);
  });

  it('reads a Keras 2 recurrent first layer declared with input_dim and input_length', () => {
    const spec = {
      class_name: 'Sequential',
      config: { layers: [{ class_name: 'LSTM', config: { units: 4, input_dim: 3, input_length: 7 } }] },
    };
    expect(inspectModel(spec).inputShape).toEqual([7, 3]);
  });

  it('contracts the last axis of rank-3 inputs and flattens in C order', () => {
    const spec = {
      class_name: 'Sequential',
      config: {
        layers: [
          { class_name: 'Dense', config: { units: 5, batch_input_shape: [null, 3, 4] } },
          { class_name: 'Flatten', config: {} },
          { class_name: 'Dropout', config: { rate: 0.5 } },
          { class_name: 'Activation', config: { activation: 'tanh' } },
        ],
      },
    };
    const info = inspectModel(spec);
    expect(info.layers.map((l) => l.outputShape)).toEqual([
      [null, 3, 5],
      [null, 15],
      [null, 15],
      [null, 15],
    ]);
    expect(info.layers.map((l) => l.name)).toEqual(['dense', 'flatten', 'dropout', 'activation']);
    expect(info.params).toBe(25);
  });

  it('takes the input shape from options when none is declared, and checks it when one is', () => {
    const spec = {
      class_name: 'Sequential',
      config: { layers: [{ class_name: 'Flatten' }, { class_name: 'Dense', config: { units: 2 } }] },
    };
    expect(inspectModel(spec, { inputShape: [28, 28] }).params).toBe(784 * 2 + 2);
    const e = thrown(() => inspectModel(KERAS2, { inputShape: [5] }));
    expect(e.code).toBe('SPEC_SHAPE_MISMATCH');
    expect(e.message).toContain('"dense_input"');
    expect(e.message).toContain('[4]');
    expect(e.message).toContain('[5]');
    expect(e.details.path).toBe('/config/layers/0/config/batch_input_shape');
    expect(thrown(() => inspectModel(spec)).code).toBe('SPEC_INVALID_MODEL');
  });

  it('names the layer and both shapes when a layer was built for another input', () => {
    const bad = structuredClone(KERAS3);
    bad.config.layers[1].config.units = 16; // dense_1 was built for [null, 8]
    const e = thrown(() => inspectModel(bad));
    expect(e.code).toBe('SPEC_SHAPE_MISMATCH');
    expect(e.message).toBe('layer "dense_1" (index 2) declares input shape [null, 8] but receives [null, 16]');
    expect(e.details).toMatchObject({ layer: 'dense_1', index: 2, path: '/config/layers/2/build_config/input_shape' });
  });

  it('rejects unknown and custom layer classes with a path', () => {
    const lambda = structuredClone(KERAS2) as { config: { layers: object[] } };
    lambda.config.layers.splice(2, 0, { class_name: 'Lambda', config: { name: 'evil', function: 'x' } });
    const e = thrown(() => inspectModel(lambda));
    expect(e.code).toBe('SPEC_UNKNOWN_LAYER');
    expect(e.details).toMatchObject({ layer: 'evil', index: 2, path: '/config/layers/2/class_name' });
    const custom = structuredClone(KERAS3) as { config: { layers: Record<string, unknown>[] } };
    custom.config.layers[1].module = 'my_package.layers';
    custom.config.layers[1].registered_name = 'Custom>Dense';
    expect(thrown(() => inspectModel(custom)).code).toBe('SPEC_UNKNOWN_LAYER');
  });

  it('reports bad layer configs with their JSON path', () => {
    const bad = structuredClone(KERAS2);
    (bad.config.layers[2].config as Record<string, unknown>).units = -3;
    const e = thrown(() => inspectModel(bad));
    expect(e.code).toBe('SPEC_INVALID_LAYER_CONFIG');
    expect(e.message).toContain('layer "dense_1" (index 2)');
    expect(e.details).toMatchObject({ layer: 'dense_1', index: 2, path: '/config/layers/2/config/units' });
    (bad.config.layers[2].config as Record<string, unknown>).units = 3;
    bad.config.layers[2].config.activation = 'gelu_ish';
    expect(thrown(() => inspectModel(bad)).code).toBe('SPEC_UNKNOWN_ACTIVATION');
    (bad.config.layers[2].config as Record<string, unknown>).activation = 'relu';
    (bad.config.layers[2].config as Record<string, unknown>).kernel_regularizer = {
      class_name: 'L2',
      config: { l2: -0.01 },
    };
    expect(thrown(() => inspectModel(bad)).details.path).toBe('/config/layers/2/config/kernel_regularizer/config/l2');
    (bad.config.layers[2].config as Record<string, unknown>).kernel_regularizer = {
      class_name: 'L2',
      config: { l2: 0.01 },
    };
    (bad.config.layers[2].config as Record<string, unknown>).activity_regularizer = 'l2';
    expect(thrown(() => inspectModel(bad)).details.path).toBe('/config/layers/2/config/activity_regularizer');
  });

  it('rejects malformed models and duplicate names', () => {
    expect(thrown(() => inspectModel(42)).code).toBe('SPEC_INVALID_MODEL');
    expect(thrown(() => inspectModel({ class_name: 'Graph', config: {} })).details.path).toBe('/class_name');
    expect(thrown(() => inspectModel({ class_name: 'Functional', config: {} })).details.path).toBe('/config/layers');
    expect(thrown(() => inspectModel({ class_name: 'Sequential', config: { layers: [] } })).code).toBe(
      'SPEC_INVALID_MODEL',
    );
    const dup = structuredClone(KERAS2);
    dup.config.layers[2].config.name = 'dense';
    const e = thrown(() => inspectModel(dup));
    expect(e.code).toBe('SPEC_INVALID_MODEL');
    expect(e.details).toMatchObject({ layer: 'dense', index: 2, path: '/config/layers/2/config/name' });
  });

  it('never allocates weights: a 1e12-unit layer is counted without being built', () => {
    const build = vi.spyOn(Dense.prototype, 'build');
    const info = inspectModel(
      mlp(784, [
        [1e12, 'relu'],
        [10, 'softmax'],
      ]),
    );
    expect(info.params).toBe(784 * 1e12 + 1e12 + 1e13 + 10);
    expect(build).not.toHaveBeenCalled();
    build.mockRestore();
  });
});
