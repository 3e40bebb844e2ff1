import { gradcheck, Tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { ConfigReader } from '../config/reader.js';
import { BatchNormalization } from './batch-normalization.js';
import { maxDiff, makeLayer, rand, runBoth, tf } from './test-utils/oracle.js';

// Non-trivial weights: gamma, beta and moving stats away from their initial ones/zeros.
function randomiseWeights(layer: BatchNormalization, seed: number): void {
  layer.weights.forEach((w, i) => w.data.set(rand(w.shape, seed + i, 0.5, 1.5).data));
}

describe('BatchNormalization', () => {
  it.each([
    ['last axis, rank 2', {}, {}, [8, 5]],
    ['last axis, NHWC', { momentum: 0.9, epsilon: 0.01 }, { momentum: 0.9, epsilon: 0.01 }, [3, 4, 4, 3]],
  ] as const)(
    'matches tf.layers.batchNormalization in inference and training (%s), moving stats included',
    (_, config, tfArgs, shape) => {
      for (const training of [false, true]) {
        const layer = makeLayer('BatchNormalization', config, [null, ...shape.slice(1)]) as BatchNormalization;
        randomiseWeights(layer, 3);
        const tfl = tf.layers.batchNormalization(tfArgs);
        const x = rand(shape, 9, -2, 3);
        const before = layer.movingStats.map((t) => Array.from(t.data));
        const [ours, theirs] = runBoth(layer, tfl, x, training);
        expect(maxDiff(ours, theirs)).toBeLessThanOrEqual(1e-5);
        const tfWeights = tfl.getWeights();
        layer.movingStats.forEach((t, i) => {
          expect(maxDiff(t, tfWeights[2 + i])).toBeLessThanOrEqual(1e-6);
          // Training moves the statistics; inference leaves them alone.
          expect(Array.from(t.data).some((v, k) => v !== before[i][k])).toBe(training);
        });
      }
    },
  );

  // TF.js's cpu batchNorm kernel broadcasts its parameters along the last axis only, so a
  // non-last axis is checked against the formula written with tf ops (tf.moments for training).
  it('axis 1 of NHWC matches the tf-ops formula in both modes, moving stats included', () => {
    for (const training of [false, true]) {
      const layer = makeLayer('BatchNormalization', { axis: 1, momentum: 0.8 }, [null, 4, 2, 3]) as BatchNormalization;
      randomiseWeights(layer, 5);
      const [g, b, mm, mv] = layer.weights.map((w) => tf.tensor(w.dataSync(), [1, 4, 1, 1]));
      const x = rand([3, 4, 2, 3], 9, -2, 3);
      const tx = tf.tensor(x.dataSync(), [...x.shape]);
      const { mean, variance } = tf.moments(tx, [0, 2, 3], true);
      const [m, v] = training ? [mean, variance] : [mm, mv];
      const expected = tx.sub(m).div(v.add(0.001).sqrt()).mul(g).add(b);
      expect(maxDiff(layer.call(x, { training }), expected)).toBeLessThanOrEqual(1e-5);
      const moved = training ? [mm.mul(0.8).add(mean.mul(0.2)), mv.mul(0.8).add(variance.mul(0.2))] : [mm, mv];
      layer.movingStats.forEach((t, i) => expect(maxDiff(t, moved[i].reshape([4]))).toBeLessThanOrEqual(1e-6));
    }
  });

  it('training normalises with batch moments: per-channel mean ≈ beta and std ≈ gamma', () => {
    const layer = makeLayer('BatchNormalization', { epsilon: 1e-6 }, [null, 2]);
    layer.weights[0].data.set([2, 3]);
    layer.weights[1].data.set([-1, 4]);
    const y = layer.call(rand([50, 2], 1, 5, 9), { training: true }).toArray() as number[][];
    for (const c of [0, 1]) {
      const col = y.map((r) => r[c]);
      const m = col.reduce((a, b) => a + b) / col.length;
      const sd = Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / col.length);
      expect(m).toBeCloseTo([-1, 4][c], 4);
      expect(sd).toBeCloseTo([2, 3][c], 3);
    }
  });

  it('counts moving stats as params, marks them non-trainable, names weights in Keras order', () => {
    const layer = makeLayer('BatchNormalization', {}, [null, 4, 4, 6]);
    expect(layer.countParams([null, 4, 4, 6])).toBe(24);
    expect(layer.weightNames()).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    expect(layer.weights.map((w) => w.requiresGrad)).toEqual([true, true, false, false]);
    expect(layer.weights.map((w) => Array.from(w.data)[0])).toEqual([1, 0, 0, 1]);
    const bare = makeLayer('BatchNormalization', { center: false, scale: false }, [null, 3]);
    expect(bare.countParams([null, 3])).toBe(6);
    expect(bare.weightNames()).toEqual(['moving_mean', 'moving_variance']);
    expect(bare.getConfig()).toMatchObject({
      axis: -1,
      momentum: 0.99,
      epsilon: 0.001,
      center: false,
      scale: false,
      gamma_initializer: { class_name: 'Ones' },
    });
  });

  it('a frozen layer (trainable: false) uses the moving stats and leaves them alone in training', () => {
    const layer = makeLayer('BatchNormalization', { trainable: false }, [null, 3]) as BatchNormalization;
    randomiseWeights(layer, 1);
    const x = rand([4, 3], 2);
    const before = layer.movingStats.map((t) => Array.from(t.data));
    const a = layer.call(x, { training: true });
    expect(layer.movingStats.map((t) => Array.from(t.data))).toEqual(before);
    expect(Array.from(a.data)).toEqual(Array.from(layer.call(x, { training: false }).data));
  });

  it('rejects unsupported options and a batch or missing axis', () => {
    const make = (c: Record<string, unknown>): BatchNormalization =>
      new BatchNormalization(new ConfigReader(c, ''), 'bn');
    expect(() => make({ renorm: true })).toThrow(/renorm is not supported/);
    expect(() => make({ axis: [1, 2] })).toThrow(/one integer/);
    expect(() => make({ axis: 0 }).computeOutputShape([null, 3])).toThrow(/axis 0 is not a feature axis.*\[null, 3\]/);
    expect(() => make({ axis: 3 }).computeOutputShape([null, 3])).toThrow(/axis 3/);
  });

  it('has exact gradients in training mode (through the batch moments) and inference mode', () => {
    const layer = makeLayer('BatchNormalization', { axis: 1 }, [null, 2, 3]);
    const [gamma, beta, mm, mv] = layer.weights;
    for (const training of [true, false]) {
      gradcheck(
        (x, g, b) => {
          layer.weights = [g, b, mm, mv];
          return layer.call(x, { training });
        },
        [
          rand([3, 2, 3], 4),
          new Tensor(new Float32Array([1.5, 0.5]), gamma.shape),
          new Tensor(new Float32Array([0.2, -0.3]), beta.shape),
        ],
      );
    }
  });
});
