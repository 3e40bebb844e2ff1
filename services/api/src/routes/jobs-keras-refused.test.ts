// POST /v1/jobs refusing Keras compile and fit options: metrics, optimizer schedules and clipping,
// class_weight, initial_epoch and unknown fields, each a 400 naming its code and path.
import { afterAll, beforeAll, describe } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testApp } from '../test-utils/app.js';
import { adam, binaryJob, decay, itRefusesEach, mutate, type Refusal } from '../test-utils/keras-jobs.js';

let app: FastifyInstance;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ app, close } = await testApp({ maxParams: 1_000_000 }));
});
afterAll(async () => {
  await close();
});

describe('POST /v1/jobs: Keras compile and fit options that are refused', () => {
  const bad: Refusal[] = [
    // compile.metrics
    [
      'metric of a wrong type',
      mutate((j) => (j.compile.metrics = [42])),
      'VALIDATION_FAILED',
      '/compile/metrics/0',
      /compile\/metrics\/0/,
    ],
    [
      'metric object without class_name',
      mutate((j) => (j.compile.metrics = [{ config: { k: 3 } }])),
      'VALIDATION_FAILED',
      '/compile/metrics/0',
      /class_name/,
    ],
    [
      'unknown metric class',
      mutate((j) => (j.compile.metrics = [{ class_name: 'F1Score' }])),
      'SPEC_UNKNOWN_METRIC',
      '/compile/metrics/0/class_name',
      /F1Score/,
    ],
    [
      'unknown metric name',
      mutate((j) => (j.compile.metrics = ['accuracy', 'f1'])),
      'SPEC_UNKNOWN_METRIC',
      '/compile/metrics/1',
      /f1/,
    ],
    [
      'AUC with num_thresholds 1',
      mutate((j) => (j.compile.metrics = [{ class_name: 'AUC', config: { num_thresholds: 1 } }]), binaryJob),
      'SPEC_UNKNOWN_METRIC',
      '/compile/metrics/0/config/num_thresholds',
      /num_thresholds/,
    ],
    [
      'AUC with the PR curve',
      mutate((j) => (j.compile.metrics = [{ class_name: 'AUC', config: { curve: 'PR' } }]), binaryJob),
      'SPEC_UNKNOWN_METRIC',
      '/compile/metrics/0/config/curve',
      /ROC/,
    ],
    [
      'top-k with k as a string',
      mutate((j) => (j.compile.metrics = [{ class_name: 'SparseTopKCategoricalAccuracy', config: { k: '3' } }])),
      'SPEC_UNKNOWN_METRIC',
      '/compile/metrics/0/config/k',
      /k must be/,
    ],
    [
      'one-hot top-k on class-index targets',
      mutate((j) => (j.compile.metrics = [{ class_name: 'TopKCategoricalAccuracy', config: { k: 3 } }])),
      'SPEC_INCOMPATIBLE_TARGETS',
      '/compile/metrics',
      /one-hot/,
    ],
    // compile.optimizer with schedules and clipping
    [
      'schedule without decay_steps',
      mutate(
        (j) => (j.compile.optimizer = adam({ learning_rate: decay({ initial_learning_rate: 0.01, decay_rate: 0.9 }) })),
      ),
      'SPEC_INVALID_OPTIMIZER_CONFIG',
      '/compile/optimizer/config/learning_rate/config/decay_steps',
      /decay_steps/,
    ],
    [
      'schedule with a negative decay_rate',
      mutate(
        (j) =>
          (j.compile.optimizer = adam({
            learning_rate: decay({ initial_learning_rate: 0.01, decay_steps: 10, decay_rate: -1 }),
          })),
      ),
      'SPEC_INVALID_OPTIMIZER_CONFIG',
      '/compile/optimizer/config/learning_rate/config/decay_rate',
      /decay_rate/,
    ],
    [
      'schedule with an unknown option',
      mutate(
        (j) =>
          (j.compile.optimizer = adam({
            learning_rate: decay({ initial_learning_rate: 0.01, decay_steps: 10, decay_rate: 0.9, warmup: 3 }),
          })),
      ),
      'SPEC_INVALID_OPTIMIZER_CONFIG',
      '/compile/optimizer/config/learning_rate/config/warmup',
      /warmup/,
    ],
    [
      'unknown schedule class',
      mutate((j) => (j.compile.optimizer = adam({ learning_rate: { class_name: 'PolynomialDecay', config: {} } }))),
      'SPEC_INVALID_OPTIMIZER_CONFIG',
      '/compile/optimizer/config/learning_rate/class_name',
      /PolynomialDecay/,
    ],
    [
      'negative clipnorm',
      mutate((j) => (j.compile.optimizer = adam({ clipnorm: -1 }))),
      'SPEC_INVALID_OPTIMIZER_CONFIG',
      '/compile/optimizer/config/clipnorm',
      /clipnorm/,
    ],
    [
      'clipnorm and clipvalue together',
      mutate((j) => (j.compile.optimizer = adam({ clipnorm: 1, clipvalue: 1 }))),
      'SPEC_INVALID_OPTIMIZER_CONFIG',
      '/compile/optimizer/config/clipnorm',
      /only one of/,
    ],
    // fit.class_weight
    [
      'class_weight with a string weight',
      mutate((j) => (j.fit.class_weight = { '0': 1, '1': 'heavy' })),
      'VALIDATION_FAILED',
      '/fit/class_weight/1',
      /fit\/class_weight\/1/,
    ],
    [
      'class_weight with a negative weight',
      mutate((j) => (j.fit.class_weight = { '0': -1 })),
      'VALIDATION_FAILED',
      '/fit/class_weight/0',
      /fit\/class_weight\/0/,
    ],
    [
      'class_weight keyed by class name',
      mutate((j) => (j.fit.class_weight = { cat: 2 })),
      'VALIDATION_FAILED',
      '/fit/class_weight/cat',
      /fit\/class_weight\/cat/,
    ],
    [
      'class_weight keyed by a negative index',
      mutate((j) => (j.fit.class_weight = { '-1': 2 })),
      'VALIDATION_FAILED',
      '/fit/class_weight/-1',
      /class_weight/,
    ],
    [
      'class_weight keyed by "01"',
      mutate((j) => (j.fit.class_weight = { '01': 2 })),
      'VALIDATION_FAILED',
      '/fit/class_weight/01',
      /class_weight/,
    ],
    [
      'class_weight as a list',
      mutate((j) => (j.fit.class_weight = [1, 2])),
      'VALIDATION_FAILED',
      '/fit/class_weight',
      /class_weight/,
    ],
    [
      'class_weight for a class the dataset lacks',
      mutate((j) => (j.fit.class_weight = { '0': 1, '2': 3 })),
      'SPEC_INVALID_FIT_CONFIG',
      '/fit/class_weight/2',
      /classes 0…1/,
    ],
    [
      'class_weight on a regression dataset',
      mutate((j) => {
        j.dataset = { builtin: 'diabetes' };
        j.model.config.layers[0].config.batch_input_shape = [null, 10];
        j.model.config.layers[1].config = { name: 'out', units: 1 };
        j.compile = { optimizer: 'adam', loss: 'mse' };
        j.fit.class_weight = { '0': 2 };
      }),
      'SPEC_INVALID_FIT_CONFIG',
      '/fit/class_weight',
      /class targets/,
    ],
    // fit.initial_epoch
    [
      'initial_epoch equal to epochs',
      mutate((j) => (j.fit.initial_epoch = 2)),
      'SPEC_INVALID_FIT_CONFIG',
      '/fit/initial_epoch',
      /below epochs/,
    ],
    [
      'initial_epoch above epochs',
      mutate((j) => (j.fit.initial_epoch = 10)),
      'SPEC_INVALID_FIT_CONFIG',
      '/fit/initial_epoch',
      /below epochs/,
    ],
    [
      'initial_epoch negative',
      mutate((j) => (j.fit.initial_epoch = -1)),
      'VALIDATION_FAILED',
      '/fit/initial_epoch',
      /fit\/initial_epoch/,
    ],
    [
      'initial_epoch fractional',
      mutate((j) => (j.fit.initial_epoch = 0.5)),
      'VALIDATION_FAILED',
      '/fit/initial_epoch',
      /fit\/initial_epoch/,
    ],
    [
      'unknown fit field',
      mutate((j) => (j.fit.steps_per_epoch = 3)),
      'VALIDATION_FAILED',
      '/fit/steps_per_epoch',
      /steps_per_epoch/,
    ],
  ];
  itRefusesEach(() => app, bad);
});
