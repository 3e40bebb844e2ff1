// Keras compile and fit options through the whole service: metric objects, a learning-rate
// schedule, class_weight and callbacks from the job spec reach the worker's fit and its events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse, type SseEvent } from './sse.js';
import { getJson, postJson, startStack, type Stack } from './stack.js';
import { mlp, spiralsJob } from './fixtures.js';

type Data = Record<string, any>;
const data = (e: SseEvent) => e.data as Data;

describe('Keras compile and fit options, end to end', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('trains with an AUC metric, an ExponentialDecay schedule and class weights, and EarlyStopping ends it early as a success', async () => {
    const epochs = 50;
    const spec = {
      model: {
        class_name: 'Sequential',
        config: {
          name: 'diagnosis',
          layers: [
            {
              class_name: 'Dense',
              config: { name: 'hidden', units: 16, activation: 'relu', batch_input_shape: [null, 30] },
            },
            { class_name: 'Dense', config: { name: 'out', units: 1, activation: 'sigmoid' } },
          ],
        },
      },
      compile: {
        optimizer: {
          class_name: 'Adam',
          config: {
            learning_rate: {
              class_name: 'ExponentialDecay',
              config: { initial_learning_rate: 0.01, decay_steps: 20, decay_rate: 0.9 },
            },
            clipnorm: 1,
          },
        },
        loss: 'binary_crossentropy',
        metrics: ['accuracy', { class_name: 'AUC', config: { num_thresholds: 200 } }],
      },
      fit: {
        epochs,
        batch_size: 32,
        validation_split: 0.2,
        class_weight: { '0': 1.7, '1': 1 },
        // AUC is at most 1, so no epoch can beat the best by min_delta 1: after the first epoch
        // sets the best, patience 2 runs out at the end of epoch 3, whatever the values are.
        callbacks: [
          { class_name: 'EarlyStopping', config: { monitor: 'val_auc', mode: 'max', min_delta: 1, patience: 2 } },
        ],
      },
      dataset: { builtin: 'breast-cancer' },
      seed: 3,
    };
    const created = await postJson(`${stack.url}/v1/jobs`, spec);
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const { events, ended } = await readSse(`${stack.url}${created.body.links.events}`);
    expect(ended).toBe(true);
    const terminal = events.filter((e) => ['completed', 'failed', 'cancelled'].includes(e.event));
    expect(
      terminal.map((e) => e.event),
      JSON.stringify(terminal.map(data)),
    ).toEqual(['completed']);

    // Three epochs ran out of fifty, each logging what Keras logs for these metrics.
    const epochEvents = events.filter((e) => e.event === 'epoch').map(data);
    expect(epochEvents.map((e) => e.epoch)).toEqual([1, 2, 3]);
    for (const e of epochEvents) {
      expect(e.epochs).toBe(epochs);
      expect(Object.keys(e.logs).sort()).toEqual(['accuracy', 'auc', 'loss', 'val_accuracy', 'val_auc', 'val_loss']);
      for (const name of ['accuracy', 'auc', 'val_accuracy', 'val_auc']) {
        expect(e.logs[name]).toBeGreaterThanOrEqual(0);
        expect(e.logs[name]).toBeLessThanOrEqual(1);
      }
    }
    // Breast cancer is nearly linearly separable once standardised: AUC is high from the start.
    const last = epochEvents.at(-1)!.logs;
    expect(last.auc).toBeGreaterThan(0.9);
    expect(last.val_auc).toBeGreaterThan(0.9);
    expect(last.loss).toBeLessThan(epochEvents[0].logs.loss);

    // The job succeeded and says where and why it stopped; the test split was evaluated too.
    const completed = data(terminal[0]);
    expect(completed.epoch).toBe(3);
    expect(completed.stopped_early).toEqual({ monitor: 'val_auc', best: epochEvents[0].logs.val_auc, best_epoch: 1 });
    expect(completed.metrics).toMatchObject(last);
    expect(completed.metrics.test_auc).toBeGreaterThan(0.9);
    expect(Object.keys(completed.metrics)).toEqual(expect.arrayContaining(['test_loss', 'test_accuracy', 'test_auc']));

    const job = await getJson(`${stack.url}/v1/jobs/${created.body.id}`);
    expect(job).toMatchObject({ status: 'succeeded', epoch: 3, metrics: completed.metrics });
    expect(job.spec).toMatchObject(spec);
  });

  it('starts at initial_epoch and logs the learning rate ReduceLROnPlateau sets', async () => {
    const spec = {
      ...spiralsJob({ epochs: 5, samples: 300 }),
      model: mlp(2, [16], 2),
      fit: {
        epochs: 5,
        initial_epoch: 2,
        batch_size: 32,
        validation_split: 0.2,
        // min_delta 10 on a loss below 1: after the first epoch sets the best, none improves, so
        // with patience 0 every later epoch halves the rate.
        callbacks: [
          { class_name: 'ReduceLROnPlateau', config: { monitor: 'val_loss', factor: 0.5, patience: 0, min_delta: 10 } },
        ],
      },
    };
    const created = await postJson(`${stack.url}/v1/jobs`, spec);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { events } = await readSse(`${stack.url}${created.body.links.events}`);
    expect(events.at(-1)!.event).toBe('completed');
    const epochEvents = events.filter((e) => e.event === 'epoch').map(data);
    expect(epochEvents.map((e) => e.epoch)).toEqual([3, 4, 5]);
    // Keras logs the rate each epoch trained with, before the callback lowers it.
    expect(epochEvents.map((e) => e.logs.learning_rate)).toEqual([0.01, 0.01, 0.005]);
    const completed = data(events.at(-1)!);
    expect(completed.epoch).toBe(5);
    expect(completed.stopped_early).toBeUndefined();
  });
});
