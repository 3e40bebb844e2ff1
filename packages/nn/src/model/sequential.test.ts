import * as tf from '@tensorflow/tfjs';
import { Rng, Tensor, tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { NnError } from '../errors.js';
import { KERAS2, KERAS3, mlp } from '../test-utils/fixtures.js';
import { modelFromJson } from './model.js';

tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');

const rand = (shape: number[], seed: number): Tensor => {
  const r = new Rng(seed);
  return new Tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.uniform(-1, 1)),
    shape,
  );
};

describe('Sequential', () => {
  it('initialises identically from the same seed and differently from another', () => {
    const a = modelFromJson(KERAS2, { seed: 1 }).getWeights();
    const b = modelFromJson(KERAS3, { seed: 1 }).getWeights();
    const c = modelFromJson(KERAS2, { seed: 2 }).getWeights();
    expect(a.map((w) => Array.from(w.data))).toEqual(b.map((w) => Array.from(w.data)));
    expect(Array.from(a[0].data)).not.toEqual(Array.from(c[0].data));
    expect(a.map((w) => w.shape)).toEqual([[4, 8], [8], [8, 3], [3]]);
  });

  it('exports Keras JSON that round-trips and that TF.js loads and predicts identically', () => {
    const model = modelFromJson(KERAS2, { seed: 3 });
    const json = model.toJSON();
    expect(modelFromJson(json, { seed: 3 }).toJSON()).toEqual(json);
    return tf.models.modelFromJSON(json as never).then((tfModel) => {
      tfModel.setWeights(model.getWeights().map((w) => tf.tensor(w.data, [...w.shape])));
      const x = rand([5, 4], 9);
      const expected = (tfModel.predict(tf.tensor(x.data, [5, 4])) as tf.Tensor).dataSync();
      const ours = model.predict(x).data;
      for (let i = 0; i < ours.length; i++) expect(ours[i]).toBeCloseTo(expected[i], 5);
    });
  });

  it('counts params and renders a summary', () => {
    const model = modelFromJson(KERAS2, { seed: 0 });
    expect(model.countParams()).toBe(67);
    const s = model.summary();
    expect(s).toContain('dense_1 (Dense)              (None, 3)                 27');
    expect(s).toContain('Total params: 67');
  });

  it('validates setWeights shapes and copies values in', () => {
    const model = modelFromJson(KERAS2, { seed: 0 });
    const w = model.getWeights();
    w[1] = new Tensor(new Float32Array(8).fill(0.5), [8]);
    model.setWeights(w);
    expect(Array.from(model.getWeights()[1].data)).toEqual(new Array(8).fill(0.5));
    expect(() => model.setWeights(w.slice(1))).toThrow(NnError);
    w[0] = new Tensor(new Float32Array(32), [8, 4]);
    expect(() => model.setWeights(w)).toThrow(/dense\/kernel has shape \[4, 8\], got \[8, 4\]/);
  });

  it('rejects bad compile arguments with paths and huge layers at build time', () => {
    const model = modelFromJson(KERAS2, { seed: 0 });
    expect(() => model.compile({ optimizer: 'adadelta', loss: 'mse' })).toThrow(
      expect.objectContaining({ code: 'SPEC_UNKNOWN_OPTIMIZER' }),
    );
    expect(() => model.compile({ optimizer: 'adam', loss: 'huber_ish' })).toThrow(
      expect.objectContaining({ code: 'SPEC_UNKNOWN_LOSS', details: { path: '/loss' } }),
    );
    expect(() => model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['auc', 'f1_score'] })).toThrow(
      expect.objectContaining({ code: 'SPEC_UNKNOWN_METRIC', details: { path: '/metrics/1' } }),
    );
    model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['acc', 'mae', 'acc'] });
    expect(model.metricsNames).toEqual(['loss', 'acc', 'mae', 'acc_1']);
    expect(() => modelFromJson(mlp(784, [[1e9, 'relu']]))).toThrow(
      expect.objectContaining({ code: 'SPEC_INVALID_LAYER_CONFIG' }),
    );
  });

  it('checks data shapes and labels before training', async () => {
    const model = modelFromJson(KERAS2, { seed: 0 });
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    await expect(model.fit(rand([6, 5], 1), tensor([0, 1, 2, 0, 1, 2]), { epochs: 1 })).rejects.toMatchObject({
      code: 'SPEC_SHAPE_MISMATCH',
      message: expect.stringContaining('[null, 4], got [6, 5]'),
    });
    await expect(model.fit(rand([6, 4], 1), tensor([0, 1, 3, 0, 1, 2]), { epochs: 1 })).rejects.toMatchObject({
      code: 'SPEC_INCOMPATIBLE_TARGETS',
    });
    await expect(model.fit(rand([6, 4], 1), tensor([0, 1, 2]), { epochs: 1 })).rejects.toMatchObject({
      code: 'SPEC_INCOMPATIBLE_TARGETS',
    });
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    expect(() => model.evaluate(rand([6, 4], 1), tensor([0, 1, 2, 0, 1, 2]))).toThrow(
      expect.objectContaining({ code: 'SPEC_INCOMPATIBLE_TARGETS' }),
    );
  });

  it('predicts in batches with the same result as one batch', () => {
    const model = modelFromJson(KERAS2, { seed: 4 });
    const x = rand([37, 4], 5);
    const a = model.predict(x, { batchSize: 5 });
    const b = model.predict(x, { batchSize: 100 });
    expect(a.shape).toEqual([37, 3]);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });
});
