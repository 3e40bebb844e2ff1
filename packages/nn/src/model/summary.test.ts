import { describe, expect, it } from 'vitest';
import { modelFromJson } from './model.js';

describe('summary', () => {
  it('prints the tf.keras 2.x table, BatchNormalization moving stats as non-trainable', () => {
    const m = modelFromJson(
      {
        class_name: 'Sequential',
        config: {
          name: 'sequential',
          layers: [
            {
              class_name: 'Dense',
              config: { name: 'dense', units: 8, activation: 'relu', batch_input_shape: [null, 4] },
            },
            { class_name: 'BatchNormalization', config: { name: 'batch_normalization' } },
            { class_name: 'Dense', config: { name: 'dense_1', units: 1200, activation: 'softmax' } },
          ],
        },
      },
      { seed: 0 },
    );
    // What tf.keras 2.4 prints for this model: long cells cut at the column end, trailing spaces kept,
    // bare counts in rows and thousands separators in the totals.
    const expected = [
      'Model: "sequential"',
      '_________________________________________________________________',
      'Layer (type)                 Output Shape              Param #   ',
      '=================================================================',
      'dense (Dense)                (None, 8)                 40        ',
      '_________________________________________________________________',
      'batch_normalization (BatchNo (None, 8)                 32        ',
      '_________________________________________________________________',
      'dense_1 (Dense)              (None, 1200)              10800     ',
      '=================================================================',
      'Total params: 10,872',
      'Trainable params: 10,856',
      'Non-trainable params: 16',
      '_________________________________________________________________',
    ].join('\n');
    expect(m.summary()).toBe(expected);
  });
});
