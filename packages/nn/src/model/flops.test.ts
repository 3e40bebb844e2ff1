import { describe, expect, it } from 'vitest';
import { forwardFlops } from './flops.js';
import { modelFromJson } from './model.js';
import { layersModelConfig, toLayersModel } from '../io/layers-model.js';

const seq = (layers: object[]) => ({ class_name: 'Sequential', config: { name: 'm', layers } });

describe('forwardFlops', () => {
  it('counts 2 per multiply-add of Dense and Conv2D, plus one per output element', () => {
    const mlp = forwardFlops(
      seq([
        { class_name: 'Dense', config: { name: 'h', units: 16, activation: 'relu', batch_input_shape: [null, 2] } },
        { class_name: 'Dense', config: { name: 'o', units: 3 } },
      ]),
    );
    expect(mlp.layers).toEqual([
      { name: 'h', className: 'Dense', flops: 2 * 2 * 16 + 16 },
      { name: 'o', className: 'Dense', flops: 2 * 16 * 3 + 3 },
    ]);
    expect(mlp.perSample).toBe(2 * 2 * 16 + 16 + 2 * 16 * 3 + 3);

    // A `same` kernel bigger than its image: im2col multiplies the whole kernel at every pixel.
    const conv = forwardFlops(
      seq([
        {
          class_name: 'Conv2D',
          config: { name: 'c', filters: 4, kernel_size: [50, 50], padding: 'same', batch_input_shape: [null, 8, 8, 2] },
        },
      ]),
    );
    expect(conv.perSample).toBe(2 * 8 * 8 * 4 * 50 * 50 * 2 + 8 * 8 * 4);
  });

  it('counts pooling windows, recurrent steps and elementwise layers', () => {
    const cnn = forwardFlops(
      seq([
        { class_name: 'MaxPooling2D', config: { name: 'p', pool_size: [2, 2], batch_input_shape: [null, 4, 4, 3] } },
        { class_name: 'Flatten', config: { name: 'f' } },
        { class_name: 'Activation', config: { name: 'a', activation: 'relu' } },
      ]),
    );
    expect(cnn.layers.map((l) => l.flops)).toEqual([2 * 2 * 3 * 4, 12, 12]);
    const rnn = forwardFlops(
      seq([{ class_name: 'LSTM', config: { name: 'l', units: 8, batch_input_shape: [null, 5, 3] } }]),
    );
    const width = 4 * 8;
    expect(rnn.perSample).toBe(5 * (2 * width * (3 + 8) + 4 * width));
  });

  it('reads the same cost from a saved model.json as from its config, without its weights', () => {
    const config = seq([{ class_name: 'Dense', config: { name: 'h', units: 7, batch_input_shape: [null, 5] } }]);
    const { modelJson } = toLayersModel(modelFromJson(config, { seed: 1 }));
    expect(forwardFlops(layersModelConfig(JSON.stringify(modelJson)))).toEqual(forwardFlops(config));
    expect(() => layersModelConfig('{"modelTopology": 3')).toThrow(/not valid JSON/);
  });
});
