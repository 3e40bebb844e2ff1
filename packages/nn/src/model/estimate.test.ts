import { describe, expect, it } from 'vitest';
import { createMetrics, type MetricSpec } from '../metrics.js';
import { estimateTraining, metricBytes, type EstimateOptions } from './estimate.js';
import { forwardFlops } from './flops.js';
import { modelFromJson } from './model.js';

const dense = (units: number, activation: string, extra: object = {}): object => ({
  class_name: 'Dense',
  config: { units, activation, ...extra },
});
const sequential = (...layers: object[]): object => ({ class_name: 'Sequential', config: { layers } });
const mlp = sequential(dense(64, 'relu', { batch_input_shape: [null, 20] }), dense(32, 'relu'), dense(3, 'softmax'));
const cnn = sequential(
  {
    class_name: 'Conv2D',
    config: { filters: 8, kernel_size: 3, activation: 'relu', batch_input_shape: [null, 28, 28, 1] },
  },
  { class_name: 'MaxPooling2D', config: { pool_size: 2 } },
  { class_name: 'Flatten', config: {} },
  dense(10, 'softmax'),
);
const base: EstimateOptions = { optimizer: 'adam', batchSize: 32, trainSamples: 1000 };

describe('estimateTraining', () => {
  it('scales activation bytes with the batch size and leaves weights alone', () => {
    const small = estimateTraining(mlp, { ...base, batchSize: 64 });
    const large = estimateTraining(mlp, { ...base, batchSize: 128 });
    expect(large.bytes.activations / small.bytes.activations).toBeCloseTo(2, 5);
    expect(large.layers[0].activationBytes).toBe(2 * small.layers[0].activationBytes);
    expect(large.bytes.parameters).toBe(small.bytes.parameters);
    expect(large.memoryBytes).toBeGreaterThan(small.memoryBytes);
  });

  it('gives Adam twice the optimizer slots of momentum SGD, plain SGD none', () => {
    const adam = estimateTraining(mlp, base);
    const momentum = estimateTraining(mlp, { ...base, optimizer: { class_name: 'SGD', config: { momentum: 0.9 } } });
    const sgd = estimateTraining(mlp, { ...base, optimizer: 'sgd' });
    expect(adam.bytes.optimizer).toBe(2 * momentum.bytes.optimizer);
    expect(momentum.bytes.optimizer).toBe(4 * adam.trainableParams);
    expect(sgd.bytes.optimizer).toBe(0);
  });

  it('counts optimizer slots as the optimizer really allocates them', () => {
    const big = sequential(dense(1000, 'relu', { batch_input_shape: [null, 1000] }), dense(2, 'softmax'));
    const model = modelFromJson(big, { seed: 0 });
    const before = process.memoryUsage().arrayBuffers;
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const allocated = process.memoryUsage().arrayBuffers - before;
    const est = estimateTraining(big, base);
    expect(Math.abs(allocated - est.bytes.optimizer) / est.bytes.optimizer).toBeLessThan(0.05);
  });

  it('adds what AUC allocates per threshold, for the training and the evaluation trackers', () => {
    const n = 1_000_000;
    // Above the spec's cap (MAX_AUC_THRESHOLDS) so the allocation stands out of the noise.
    const specs: MetricSpec[] = [{ name: 'auc', kind: 'auc', numThresholds: n }];
    const withAuc = estimateTraining(mlp, { ...base, metrics: specs });
    const without = estimateTraining(mlp, base);
    expect(withAuc.bytes.metrics - without.bytes.metrics).toBe(2 * n * 20);
    const before = process.memoryUsage().arrayBuffers;
    const trackers = createMetrics(specs, [1], []);
    const allocated = process.memoryUsage().arrayBuffers - before;
    expect(trackers).toHaveLength(1);
    expect(Math.abs(allocated - metricBytes(specs)) / metricBytes(specs)).toBeLessThan(0.05);
  });

  it('accounts the convolution kernel memory, which grows with the batch', () => {
    const a = estimateTraining(cnn, { ...base, batchSize: 32 });
    const b = estimateTraining(cnn, { ...base, batchSize: 256 });
    expect(a.bytes.kernels).toBeGreaterThan(0);
    expect(b.bytes.kernels).toBeGreaterThan(a.bytes.kernels);
    // Max pooling keeps its int32 argmax beside the output (two tensors of 13×13×8 per sample) and gets one gradient.
    expect(a.layers[1].activationBytes).toBe(3 * 13 * 13 * 8 * 32 * 4);
    // Training copies input, output and both gradients through the kernel's memory; it grows with the batch.
    expect(b.bytes.kernels - a.bytes.kernels).toBe(2 * (256 - 32) * (28 * 28 + 26 * 26 * 8) * 4);
  });

  it("keeps a Dense layer's product, bias sum and activation, and the gradients of the output and activation", () => {
    const est = estimateTraining(mlp, { ...base, batchSize: 10 });
    expect(est.layers[0].activationBytes).toBe((3 + 2) * 64 * 10 * 4);
    // Both terms are parts of the total, with the engine's own working set.
    expect(est.memoryBytes).toBeGreaterThanOrEqual(est.bytes.runtime + est.bytes.dataset + est.bytes.activations);
  });

  it('charges an Embedding the table-sized gradient its backward allocates every batch', () => {
    const emb = sequential(
      {
        class_name: 'Embedding',
        config: { input_dim: 50_000, output_dim: 32, input_length: 10, batch_input_shape: [null, 10] },
      },
      { class_name: 'Flatten', config: {} },
      dense(2, 'softmax'),
    );
    const small = estimateTraining(emb, { ...base, batchSize: 8 });
    const large = estimateTraining(emb, { ...base, batchSize: 16 });
    // Output and its gradient per sample, plus the [50000, 32] table once per batch.
    expect(small.layers[0].activationBytes).toBe((2 * 10 * 32 * 8 + 50_000 * 32) * 4);
    expect(large.layers[0].activationBytes - small.layers[0].activationBytes).toBe(2 * 10 * 32 * 8 * 4);
  });

  it("keeps an LSTM's per-timestep gates: activations grow with the sequence length and the units", () => {
    const lstm = (steps: number, units: number): object =>
      sequential({ class_name: 'LSTM', config: { units, batch_input_shape: [null, steps, 8] } }, dense(2, 'softmax'));
    const at = (steps: number, units: number): number =>
      estimateTraining(lstm(steps, units), base).layers[0].activationBytes;
    expect(at(20, 32)).toBe(2 * at(10, 32));
    // Per step 8 input features, then u-wide tensors only: doubling u nearly doubles the bytes.
    expect(at(10, 64) / at(10, 32)).toBeGreaterThan(1.95);
    expect(at(10, 32)).toBeGreaterThan(10 * 32 * (4 * 3 + 22) * 32 * 4);
  });

  it('holds the dataset and the validation evaluation', () => {
    const est = estimateTraining(mlp, { ...base, trainSamples: 800, validationSamples: 200 });
    expect(est.bytes.dataset).toBe(1000 * (20 + 1) * 4);
    expect(est.bytes.evaluation).toBeGreaterThan(0);
    expect(estimateTraining(mlp, base).bytes.evaluation).toBe(0);
  });

  it('counts FLOPs per epoch as forward + backward over training samples and forward over validation', () => {
    const est = estimateTraining(mlp, { ...base, trainSamples: 800, validationSamples: 200 });
    expect(est.forwardFlopsPerSample).toBe(forwardFlops(mlp).perSample);
    expect(est.forwardFlopsPerSample).toBeGreaterThan(2 * (20 * 64 + 64 * 32 + 32 * 3));
    expect(est.flopsPerEpoch).toBe(3 * 800 * est.forwardFlopsPerSample + 200 * est.forwardFlopsPerSample);
  });
});
