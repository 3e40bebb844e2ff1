import { describe, expect, it } from 'vitest';
import { UsageError, buildSpec, datasetFrom, modelFrom } from './spec.js';

const model = { class_name: 'Sequential', config: { layers: [] } };

describe('trainyard train: the job body', () => {
  it('defaults compile by the dataset task and fit to 10 epochs', () => {
    expect(buildSpec(undefined, model, { dataset: 'spirals' }, 'classification')).toEqual({
      model,
      dataset: { builtin: 'spirals' },
      compile: { optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] },
      fit: { epochs: 10 },
    });
    expect(buildSpec(undefined, model, { dataset: 'ds_abcdef12' }, 'regression').compile).toEqual({
      optimizer: 'adam',
      loss: 'mean_squared_error',
      metrics: [],
    });
  });

  it('puts flags over a spec file and keeps the rest of it', () => {
    const base = {
      model,
      dataset: { builtin: 'xor' },
      compile: { optimizer: { class_name: 'SGD', config: { momentum: 0.9 } }, loss: 'hinge' },
      fit: { epochs: 3, shuffle: false },
      seed: 1,
    };
    const spec = buildSpec(
      base,
      undefined,
      {
        epochs: '5',
        'batch-size': '16',
        'learning-rate': '0.1',
        'validation-split': '0.25',
        seed: '9',
        metrics: 'accuracy,AUC',
      },
      undefined,
    );
    expect(spec).toEqual({
      model,
      dataset: { builtin: 'xor' },
      compile: {
        optimizer: { class_name: 'SGD', config: { learning_rate: 0.1 } },
        loss: 'hinge',
        metrics: ['accuracy', 'AUC'],
      },
      fit: { epochs: 5, shuffle: false, batch_size: 16, validation_split: 0.25 },
      seed: 9,
    });
    expect(base.fit.epochs).toBe(3); // the file's object is not changed
  });

  it('reads a Keras config, a TF.js model.json or a job body as the model', () => {
    expect(modelFrom(model, 'm.json')).toBe(model);
    expect(modelFrom({ format: 'layers-model', modelTopology: model }, 'm.json')).toBe(model);
    expect(modelFrom({ modelTopology: { model_config: model } }, 'm.json')).toBe(model);
    expect(modelFrom({ model }, 'm.json')).toBe(model);
    expect(() => modelFrom({ layers: [] }, 'm.json')).toThrow(/m.json holds no Keras model config/);
  });

  it('turns --dataset and --dataset-option into a dataset reference', () => {
    expect(datasetFrom('spirals', ['samples=300', 'noise=0.2'])).toEqual({
      builtin: 'spirals',
      options: { samples: 300, noise: 0.2 },
    });
    expect(datasetFrom('ds_7Hq2kLm0aZ')).toEqual({ id: 'ds_7Hq2kLm0aZ' });
    expect(() => datasetFrom('spirals', ['samples'])).toThrow(UsageError);
  });

  it('refuses bad values as usage errors, naming the flag', () => {
    const bad = (flags: Record<string, string>) => () =>
      buildSpec(undefined, model, { dataset: 'spirals', ...flags }, undefined);
    expect(bad({ epochs: '2.5' })).toThrow('--epochs must be an integer of at least 1, got "2.5"');
    expect(bad({ 'batch-size': '0' })).toThrow('--batch-size must be an integer of at least 1');
    expect(bad({ 'validation-split': '1' })).toThrow('--validation-split must be a number from 0 to 0.99, got "1"');
    expect(() => buildSpec(undefined, undefined, { dataset: 'spirals' }, undefined)).toThrow(/a model is needed/);
  });
});
