import * as tf from '@tensorflow/tfjs';
import { Tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { NnError } from '../errors.js';
import { mlp } from '../test-utils/fixtures.js';
import { sliceRows } from './data.js';
import { sampleWeights } from './sample-weights.js';
import { modelFromJson, type Model } from './model.js';

tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');

const X = [0.5, -1, 1.5, 0.2, -0.3, 0.8, 1, 1, -2, 0.4, 0.1, -0.6];
const x = new Tensor(new Float32Array(X), [6, 2]);
const kernel = [0.3, -0.7];
const bias = 0.1;
const yBin = [1, 0, 1, 1, 0, 0];

const sigmoidModel = (lr: number): Model => {
  const m = modelFromJson(mlp(2, [[1, 'sigmoid']]), { seed: 1 });
  m.setWeights([new Tensor(new Float32Array(kernel), [2, 1]), new Tensor(new Float32Array([bias]), [1])]);
  m.compile({ optimizer: { class_name: 'SGD', config: { learning_rate: lr } }, loss: 'binary_crossentropy' });
  return m;
};

/** The loss logged for the one full batch (computed before the update). */
const firstBatchLoss = async (m: Model, xs: Tensor, ys: Tensor, opts: object): Promise<number> => {
  let loss = NaN;
  await m.fit(xs, ys, {
    epochs: 1,
    batchSize: xs.shape[0],
    shuffle: false,
    callbacks: [{ onBatchEnd: (_b, l) => void (loss = l.loss) }],
    ...opts,
  });
  return loss;
};

describe('fit classWeight and sampleWeight', () => {
  const yb = new Tensor(new Float32Array(yBin), [6, 1]);
  // Per-sample binary crossentropy in float64.
  const bce = yBin.map((t, i) => {
    const p = 1 / (1 + Math.exp(-(kernel[0] * X[2 * i] + kernel[1] * X[2 * i + 1] + bias)));
    return -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
  });

  it('class_weight: sum(w_class(i)·loss_i) / N, the Keras formula', async () => {
    const cw = { 0: 0.5, 1: 3 };
    const expected = bce.reduce((s, l, i) => s + l * (yBin[i] ? 3 : 0.5), 0) / 6;
    expect(await firstBatchLoss(sigmoidModel(0.5), x, yb, { classWeight: cw })).toBeCloseTo(expected, 5);
    const plain = bce.reduce((s, l) => s + l, 0) / 6;
    expect(await firstBatchLoss(sigmoidModel(0.5), x, yb, {})).toBeCloseTo(plain, 5);
  });

  it('class_weight matches TF.js fit on one SGD step (loss and updated weights)', async () => {
    const cw = { 0: 0.5, 1: 3 };
    const ours = sigmoidModel(0.5);
    const h = await ours.fit(x, yb, { epochs: 1, batchSize: 6, shuffle: false, classWeight: cw });
    const ref = tf.sequential({ layers: [tf.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })] });
    ref.setWeights([tf.tensor2d(kernel, [2, 1]), tf.tensor1d([bias])]);
    ref.compile({ optimizer: tf.train.sgd(0.5), loss: 'binaryCrossentropy' });
    const hr = await ref.fit(tf.tensor2d(X, [6, 2]), tf.tensor2d(yBin, [6, 1]), {
      epochs: 1,
      batchSize: 6,
      shuffle: false,
      classWeight: cw,
      verbose: 0,
    });
    expect(h.history.loss[0]).toBeCloseTo(hr.history.loss[0] as number, 5);
    const refW = ref.getWeights().flatMap((w) => Array.from(w.dataSync()));
    const ourW = ours.getWeights().flatMap((w) => Array.from(w.data));
    ourW.forEach((v, i) => expect(v).toBeCloseTo(refW[i], 5));
    expect(ourW[0]).not.toBeCloseTo(kernel[0], 3);
  });

  it('sample_weight on a fused softmax head, and multiplied with class_weight', async () => {
    const logitsK = [0.2, -0.4, 0.6, 0.5, 0.1, -0.3];
    const labels = [2, 0, 1, 2, 1, 0];
    const make = () => {
      const m = modelFromJson(mlp(2, [[3, 'softmax']]), { seed: 1 });
      m.setWeights([new Tensor(new Float32Array(logitsK), [2, 3]), new Tensor(new Float32Array(3), [3])]);
      m.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
      return m;
    };
    const ce = labels.map((c, i) => {
      const z = [0, 1, 2].map((j) => X[2 * i] * logitsK[j] + X[2 * i + 1] * logitsK[3 + j]);
      const lse = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
      return lse - z[c];
    });
    const sw = [1, 0, 2, 0.5, 1, 3];
    const ys = new Tensor(new Float32Array(labels), [6]);
    const weighted = ce.reduce((s, l, i) => s + l * sw[i], 0) / 6;
    expect(await firstBatchLoss(make(), x, ys, { sampleWeight: new Float32Array(sw) })).toBeCloseTo(weighted, 5);
    const cw: Record<number, number> = { 0: 2, 2: 0.25 }; // class 1 is missing → weight 1
    const both = ce.reduce((s, l, i) => s + l * sw[i] * (cw[labels[i]] ?? 1), 0) / 6;
    expect(
      await firstBatchLoss(make(), x, ys, { sampleWeight: new Tensor(new Float32Array(sw), [6]), classWeight: cw }),
    ).toBeCloseTo(both, 5);
  });

  it('zero-weighted samples do not move the weights: N=4 with weights [1,1,0,0] at lr 0.2 = the first 2 samples at lr 0.1', async () => {
    const x4 = sliceRows(x, 0, 4);
    const y4 = new Tensor(new Float32Array(yBin.slice(0, 4)), [4, 1]);
    const a = sigmoidModel(0.2);
    await a.fit(x4, y4, { epochs: 1, batchSize: 4, shuffle: false, sampleWeight: new Float32Array([1, 1, 0, 0]) });
    const b = sigmoidModel(0.1);
    await b.fit(sliceRows(x4, 0, 2), sliceRows(y4, 0, 2), { epochs: 1, batchSize: 2, shuffle: false });
    const [wa, wb] = [a, b].map((m) => m.getWeights().flatMap((w) => Array.from(w.data)));
    wa.forEach((v, i) => expect(v).toBeCloseTo(wb[i], 6));
  });

  it('weights val_loss with validation_data sample weights and with the validation_split part of sample_weight', async () => {
    const sw = [2, 1, 0.5, 0, 3, 1];
    const weighted = (rows: number[]) => rows.reduce((s, i) => s + bce[i] * sw[i], 0) / rows.length;
    // lr 1e-30 keeps the float32 weights fixed, so val_loss is a function of the initial weights only.
    const given = await sigmoidModel(1e-30).fit(sliceRows(x, 0, 2), sliceRows(yb, 0, 2), {
      epochs: 1,
      validationData: [x, yb, new Float32Array(sw)],
    });
    expect(given.history.val_loss[0]).toBeCloseTo(weighted([0, 1, 2, 3, 4, 5]), 5);
    expect(sigmoidModel(1e-30).evaluate(x, yb, { batchSize: 4, sampleWeight: new Float32Array(sw) }).loss).toBeCloseTo(
      weighted([0, 1, 2, 3, 4, 5]),
      5,
    );
    // validation_split 0.5: samples 3..5 validate with their weights; class_weight is for training only.
    let trainLoss = NaN;
    const split = await sigmoidModel(1e-30).fit(x, yb, {
      epochs: 1,
      batchSize: 3,
      shuffle: false,
      validationSplit: 0.5,
      sampleWeight: new Float32Array(sw),
      classWeight: { 1: 10 },
      callbacks: [{ onBatchEnd: (_b, l) => void (trainLoss = l.loss) }],
    });
    expect(split.history.val_loss[0]).toBeCloseTo(weighted([3, 4, 5]), 5);
    expect(trainLoss).toBeCloseTo([0, 1, 2].reduce((s, i) => s + bce[i] * sw[i] * (yBin[i] ? 10 : 1), 0) / 3, 5);
    await expect(
      sigmoidModel(1e-30).fit(x, yb, { epochs: 1, validationData: [x, yb, new Float32Array(2)] }),
    ).rejects.toThrow(NnError);
  });

  it('reads classes from one-hot rows by argmax, and validates its inputs', () => {
    const oneHot = new Tensor(new Float32Array([0, 1, 0, 1, 0, 0, 0, 0.2, 0.8]), [3, 3]);
    expect(Array.from(sampleWeights(oneHot, undefined, { 0: 5, 2: 7 })!)).toEqual([1, 5, 7]);
    expect(sampleWeights(oneHot, undefined, undefined)).toBeUndefined();
    const bad = (f: () => unknown, path: string): void => {
      expect(f).toThrow(NnError);
      try {
        f();
      } catch (e) {
        expect((e as NnError).details.path).toBe(path);
      }
    };
    bad(() => sampleWeights(oneHot, new Float32Array(2), undefined), '/sample_weight');
    bad(() => sampleWeights(oneHot, new Float32Array([1, NaN, 1]), undefined), '/sample_weight/1');
    bad(() => sampleWeights(oneHot, undefined, { 1: -1 }), '/class_weight/1');
    bad(() => sampleWeights(new Tensor(new Float32Array(8), [2, 2, 2]), undefined, { 0: 1 }), '/class_weight');
  });
});
