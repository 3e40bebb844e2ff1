import type { JsonObject } from '../config/reader.js';
import type { Analysis, ModelInput } from './spec.js';

/**
 * A model's Keras 2 style config (InputLayers included, every default written out), loadable by
 * TF.js. `valueName(v)` names graph value `v`: a model input or the layer that produces it.
 */
export function modelConfigJson(analysis: Analysis, valueName: (v: number) => string): JsonObject {
  const inputLayer = (input: ModelInput): JsonObject => ({
    class_name: 'InputLayer',
    config: {
      batch_input_shape: [null, ...input.shape],
      dtype: 'float32',
      sparse: false,
      ragged: false,
      name: input.name,
    },
  });
  const meta = { keras_version: '2.x-compatible', backend: 'tensorflow' };
  if (analysis.kind === 'sequential') {
    const layers = analysis.layers.map(({ layer: l }) => ({ class_name: l.className, config: l.getConfig() }));
    return {
      class_name: 'Sequential',
      config: { name: analysis.name, layers: [inputLayer(analysis.inputs[0]), ...layers] },
      ...meta,
    };
  }
  const ref = (v: number): [string, number, number] => [valueName(v), 0, 0];
  const layers = [
    ...analysis.inputs.map((input) => ({ ...inputLayer(input), name: input.name, inbound_nodes: [] })),
    ...analysis.layers.map((a) => ({
      class_name: a.layer.className,
      name: a.layer.name,
      config: a.layer.getConfig(),
      inbound_nodes: [a.inbound.map((v) => [...ref(v), {}])],
    })),
  ];
  const inputs = analysis.inputs.map((_, i) => ref(i));
  return {
    class_name: 'Functional',
    config: { name: analysis.name, layers, input_layers: inputs, output_layers: analysis.outputs.map(ref) },
    ...meta,
  };
}
