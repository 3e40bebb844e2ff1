// POST /v1/jobs with Keras compile and fit options beyond the basics: metric objects,
// learning-rate schedules and clipping, class_weight, initial_epoch, callbacks, and the
// multi-output forms of loss, loss_weights and metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { JOB_SPEC_EXAMPLE_CALLBACKS } from '@trainyard/contracts';
import { testApp, validJob } from '../test-utils/app.js';

let app: FastifyInstance;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ app, close } = await testApp({ maxParams: 1_000_000 }));
});
afterAll(async () => {
  await close();
});

type Job = Record<string, any>;

function mutate(fn: (job: Job) => void, base: () => Job = validJob): Job {
  const job = base();
  fn(job);
  return job;
}

/** validJob with one sigmoid output and binary_crossentropy, where AUC, precision and recall mean something. */
function binaryJob(): Job {
  return mutate((j) => {
    j.model.config.layers[1].config = { name: 'out', units: 1, activation: 'sigmoid' };
    j.compile.loss = 'binary_crossentropy';
  });
}

const adam = (config: Record<string, unknown>) => ({ class_name: 'Adam', config });
const decay = (config: Record<string, unknown>) => ({ class_name: 'ExponentialDecay', config });
const earlyStopping = (config: Record<string, unknown> = {}) => ({ class_name: 'EarlyStopping', config });

async function post(payload: unknown) {
  const res = await app.inject({ method: 'POST', url: '/v1/jobs', payload: payload as string });
  return { status: res.statusCode, body: res.json() };
}

describe('POST /v1/jobs: Keras compile and fit options that are accepted', () => {
  const good: [string, Job][] = [
    [
      'the documented example (breast cancer, AUC, ExponentialDecay, class_weight, EarlyStopping)',
      structuredClone(JOB_SPEC_EXAMPLE_CALLBACKS),
    ],
    [
      'an AUC metric object',
      mutate(
        (j) => (j.compile.metrics = ['accuracy', { class_name: 'AUC', config: { num_thresholds: 200 } }]),
        binaryJob,
      ),
    ],
    [
      'Precision and Recall objects and strings',
      mutate(
        (j) =>
          (j.compile.metrics = [
            { class_name: 'Precision' },
            { class_name: 'Recall', config: { thresholds: 0.3 } },
            'auc',
          ]),
        binaryJob,
      ),
    ],
    [
      'a top-k metric object (sparse targets)',
      mutate((j) => (j.compile.metrics = [{ class_name: 'SparseTopKCategoricalAccuracy', config: { k: 1 } }])),
    ],
    [
      'TopKCategoricalAccuracy with k on one-hot targets',
      mutate((j) => {
        j.compile.loss = 'categorical_crossentropy';
        j.compile.metrics = [{ class_name: 'TopKCategoricalAccuracy', config: { k: 3 } }];
        j.dataset = {
          inline: {
            x: [
              [0, 0],
              [0, 1],
              [1, 0],
              [1, 1],
              [0.5, 0.5],
            ],
            y: [
              [1, 0],
              [0, 1],
              [0, 1],
              [1, 0],
              [1, 0],
            ],
          },
        };
      }),
    ],
    [
      'an ExponentialDecay schedule as learning_rate',
      mutate(
        (j) =>
          (j.compile.optimizer = adam({
            learning_rate: decay({ initial_learning_rate: 0.01, decay_steps: 100, decay_rate: 0.9 }),
          })),
      ),
    ],
    [
      'a CosineDecay schedule with clipnorm',
      mutate(
        (j) =>
          (j.compile.optimizer = adam({
            learning_rate: { class_name: 'CosineDecay', config: { initial_learning_rate: 0.01, decay_steps: 50 } },
            clipnorm: 1,
          })),
      ),
    ],
    [
      'clipvalue',
      mutate(
        (j) =>
          (j.compile.optimizer = { class_name: 'SGD', config: { learning_rate: 0.1, momentum: 0.9, clipvalue: 0.5 } }),
      ),
    ],
    ['global_clipnorm', mutate((j) => (j.compile.optimizer = adam({ global_clipnorm: 2 })))],
    ['class_weight', mutate((j) => (j.fit.class_weight = { '0': 1, '1': 2.5 }))],
    ['class_weight for some classes only', mutate((j) => (j.fit.class_weight = { '1': 0 }))],
    [
      'class_weight on one-hot inline targets',
      mutate((j) => {
        j.compile.loss = 'categorical_crossentropy';
        j.dataset = {
          inline: {
            x: [
              [0, 0],
              [0, 1],
              [1, 0],
              [1, 1],
            ],
            y: [
              [1, 0],
              [0, 1],
              [0, 1],
              [1, 0],
            ],
          },
        };
        j.fit.class_weight = { '0': 1, '1': 2 };
      }),
    ],
    ['initial_epoch below epochs', mutate((j) => (j.fit.initial_epoch = 1))],
    [
      'EarlyStopping on val_loss by default',
      mutate((j) => (j.fit.callbacks = [earlyStopping({ patience: 2, restore_best_weights: true })])),
    ],
    [
      'EarlyStopping on a metric, with Keras options',
      mutate(
        (j) =>
          (j.fit.callbacks = [
            earlyStopping({
              monitor: 'val_accuracy',
              mode: 'max',
              min_delta: 0.01,
              patience: 0,
              baseline: 0.5,
              start_from_epoch: 1,
              verbose: 1,
            }),
          ]),
      ),
    ],
    [
      'EarlyStopping on loss without validation',
      mutate((j) => ((j.fit.validation_split = 0), (j.fit.callbacks = [earlyStopping({ monitor: 'loss' })]))),
    ],
    [
      'EarlyStopping on val_auc',
      mutate(
        (j) => (
          (j.compile.metrics = [{ class_name: 'AUC' }]),
          (j.fit.callbacks = [earlyStopping({ monitor: 'val_auc', mode: 'max' })])
        ),
        binaryJob,
      ),
    ],
    [
      'ReduceLROnPlateau and TerminateOnNaN',
      mutate(
        (j) =>
          (j.fit.callbacks = [
            { class_name: 'ReduceLROnPlateau', config: { factor: 0.5, patience: 1, min_lr: 1e-5 } },
            { class_name: 'TerminateOnNaN' },
          ]),
      ),
    ],
    ['eight callbacks', mutate((j) => (j.fit.callbacks = Array.from({ length: 8 }, () => earlyStopping())))],
  ];
  it.each(good)('%s → 201 and queued with the spec as given', async (_name, job) => {
    const { status, body } = await post(job);
    expect(status, JSON.stringify(body)).toBe(201);
    const queued = await app.queue.getJob(body.id);
    expect(queued?.data.spec).toEqual(job);
  });
});

describe('POST /v1/jobs: Keras compile and fit options that are refused', () => {
  // [name, body, code, path in details, message]
  const bad: [string, Job, string, string, RegExp][] = [
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
    // fit.callbacks
    [
      'callbacks not a list',
      mutate((j) => (j.fit.callbacks = earlyStopping())),
      'VALIDATION_FAILED',
      '/fit/callbacks',
      /fit\/callbacks/,
    ],
    [
      'nine callbacks',
      mutate((j) => (j.fit.callbacks = Array.from({ length: 9 }, () => earlyStopping()))),
      'VALIDATION_FAILED',
      '/fit/callbacks',
      /fit\/callbacks/,
    ],
    [
      'callback as a string',
      mutate((j) => (j.fit.callbacks = ['EarlyStopping'])),
      'VALIDATION_FAILED',
      '/fit/callbacks/0',
      /fit\/callbacks\/0/,
    ],
    [
      'callback config not an object',
      mutate((j) => (j.fit.callbacks = [{ class_name: 'EarlyStopping', config: 3 }])),
      'VALIDATION_FAILED',
      '/fit/callbacks/0/config',
      /fit\/callbacks\/0\/config/,
    ],
    [
      'unknown callback class',
      mutate((j) => (j.fit.callbacks = [{ class_name: 'CSVLogger', config: { filename: '/etc/passwd' } }])),
      'SPEC_INVALID_FIT_CONFIG',
      '/fit/callbacks/0/class_name',
      /CSVLogger/,
    ],
    [
      'LearningRateScheduler (a function)',
      mutate(
        (j) => (j.fit.callbacks = [{ class_name: 'LearningRateScheduler', config: { schedule: 'lambda e: 0.1' } }]),
      ),
      'SPEC_INVALID_FIT_CONFIG',
      '/fit/callbacks/0/class_name',
      /LearningRateScheduler/,
    ],
    [
      'ModelCheckpoint',
      mutate(
        (j) =>
          (j.fit.callbacks = [
            { class_name: 'ModelCheckpoint', config: { filepath: 'best.keras', save_best_only: true } },
          ]),
      ),
      'SPEC_INVALID_FIT_CONFIG',
      '/fit/callbacks/0/class_name',
      /checkpoints every epoch/,
    ],
    [
      'negative patience',
      mutate((j) => (j.fit.callbacks = [earlyStopping({ patience: -1 })])),
      'SPEC_INVALID_FIT_CONFIG',
      '/fit/callbacks/0/config/patience',
      /patience/,
    ],
    [
      'fractional patience',
      mutate((j) => (j.fit.callbacks = [earlyStopping({ patience: 1.5 })])),
      'SPEC_INVALID_FIT_CONFIG',
      '/fit/callbacks/0/config/patience',
      /integer/,
    ],
    [
      'unknown EarlyStopping option',
      mutate((j) => (j.fit.callbacks = [earlyStopping({ patients: 3 })])),
      'SPEC_INVALID_FIT_CONFIG',
      '/fit/callbacks/0/config/patients',
      /patients/,
    ],
    [
      'bad mode',
      mutate((j) => (j.fit.callbacks = [earlyStopping({ mode: 'maximum' })])),
      'SPEC_INVALID_FIT_CONFIG',
      '/fit/callbacks/0/config/mode',
      /mode/,
    ],
    [
      'typo in monitor',
      mutate((j) => (j.fit.callbacks = [earlyStopping({ monitor: 'val_acc' })])),
      'SPEC_INVALID_FIT_CONFIG',
      '/fit/callbacks/0/config/monitor',
      /val_acc.*val_accuracy/,
    ],
    [
      'monitor of a metric not compiled',
      mutate((j) => (j.fit.callbacks = [earlyStopping({ monitor: 'val_auc' })])),
      'SPEC_INVALID_FIT_CONFIG',
      '/fit/callbacks/0/config/monitor',
      /val_auc/,
    ],
    [
      'default val_loss without validation data',
      mutate((j) => ((j.fit.validation_split = 0), (j.fit.callbacks = [earlyStopping()]))),
      'SPEC_INVALID_FIT_CONFIG',
      '/fit/callbacks/0/config/monitor',
      /validation_split/,
    ],
    [
      'ReduceLROnPlateau factor ≥ 1',
      mutate((j) => (j.fit.callbacks = [{ class_name: 'ReduceLROnPlateau', config: { factor: 2 } }])),
      'SPEC_INVALID_FIT_CONFIG',
      '/fit/callbacks/0/config/factor',
      /factor/,
    ],
    [
      'ReduceLROnPlateau in second place with a bad monitor',
      mutate(
        (j) =>
          (j.fit.callbacks = [earlyStopping(), { class_name: 'ReduceLROnPlateau', config: { monitor: 'val_mse' } }]),
      ),
      'SPEC_INVALID_FIT_CONFIG',
      '/fit/callbacks/1/config/monitor',
      /val_mse/,
    ],
    [
      'ReduceLROnPlateau with a learning-rate schedule',
      mutate((j) => {
        j.compile.optimizer = adam({
          learning_rate: decay({ initial_learning_rate: 0.01, decay_steps: 100, decay_rate: 0.9 }),
        });
        j.fit.callbacks = [{ class_name: 'ReduceLROnPlateau' }];
      }),
      'SPEC_INVALID_FIT_CONFIG',
      '/fit/callbacks/0/class_name',
      /schedule/,
    ],
    [
      'TerminateOnNaN with an option',
      mutate((j) => (j.fit.callbacks = [{ class_name: 'TerminateOnNaN', config: { patience: 1 } }])),
      'SPEC_INVALID_FIT_CONFIG',
      '/fit/callbacks/0/config/patience',
      /patience/,
    ],
    [
      'unknown fit field',
      mutate((j) => (j.fit.steps_per_epoch = 3)),
      'VALIDATION_FAILED',
      '/fit/steps_per_epoch',
      /steps_per_epoch/,
    ],
  ];
  const cases = bad.map(([name, payload, code, path, message]) => ({ name, payload, code, path, message }));

  it.each(cases)('$name → 400 $code at $path', async ({ payload, code, path, message }) => {
    const { status, body } = await post(payload);
    expect(status, JSON.stringify(body)).toBe(400);
    expect(body.error.code).toBe(code);
    expect(body.error.details.path).toBe(path);
    expect(body.error.message).toMatch(message);
  });

  it('queues none of them', async () => {
    const before = await app.queue.count();
    for (const { payload } of cases) expect((await post(payload)).status).toBe(400);
    expect(await app.queue.count()).toBe(before);
  });
});

// The multi-output forms of compile are valid Keras for one output too; checkCompile resolves them
// against the model's output names.
describe('POST /v1/jobs: the multi-output forms of compile', () => {
  const accepted: [string, Job][] = [
    ['loss as a list of one', mutate((j) => (j.compile.loss = ['sparse_categorical_crossentropy']))],
    [
      'loss as an object keyed by output name',
      mutate((j) => (j.compile.loss = { out: 'sparse_categorical_crossentropy' })),
    ],
    ['loss_weights as a list', mutate((j) => (j.compile.loss_weights = [0.5]))],
    ['loss_weights as an object', mutate((j) => (j.compile.loss_weights = { out: 2 }))],
    [
      'metrics as a list of lists',
      mutate(
        (j) => (j.compile.metrics = [['accuracy', { class_name: 'SparseTopKCategoricalAccuracy', config: { k: 1 } }]]),
      ),
    ],
    ['metrics as an object keyed by output name', mutate((j) => (j.compile.metrics = { out: ['accuracy'] }))],
    ['metrics as an object with a single metric', mutate((j) => (j.compile.metrics = { out: 'accuracy' }))],
  ];
  it.each(accepted)('%s → 201, queued as given', async (_name, job) => {
    const { status, body } = await post(job);
    expect(status, JSON.stringify(body)).toBe(201);
    expect((await app.queue.getJob(body.id))?.data.spec).toEqual(job);
  });

  const refused: [string, Job, string, RegExp][] = [
    [
      'loss keyed by an unknown output',
      mutate((j) => (j.compile.loss = { nope: 'sparse_categorical_crossentropy' })),
      '/compile/loss/nope',
      /"nope", which is not an output of the model \(outputs: out\)/,
    ],
    [
      'a loss list of two for one output',
      mutate((j) => (j.compile.loss = ['sparse_categorical_crossentropy', 'mse'])),
      '/compile/loss',
      /lists 2 entries but the model has 1 outputs/,
    ],
    [
      'metrics keyed by an unknown output',
      mutate((j) => (j.compile.metrics = { other: ['accuracy'] })),
      '/compile/metrics/other',
      /not an output/,
    ],
  ];
  it.each(refused)('%s → 400 SPEC_INVALID_MODEL at its path', async (_name, job, path, message) => {
    const { status, body } = await post(job);
    expect(status, JSON.stringify(body)).toBe(400);
    expect(body.error).toMatchObject({ code: 'SPEC_INVALID_MODEL', details: { path } });
    expect(body.error.message).toMatch(message);
  });

  it('refuses a model with two outputs, since a dataset gives one target: 400 SPEC_SHAPE_MISMATCH at /model', async () => {
    const layer = (name: string, className: string, config: Record<string, unknown>, inputs: string[]) => ({
      class_name: className,
      name,
      config: { name, ...config },
      inbound_nodes: [inputs.map((i) => [i, 0, 0, {}])],
    });
    const job = mutate((j) => {
      j.model = {
        class_name: 'Functional',
        config: {
          name: 'two_heads',
          layers: [
            {
              class_name: 'InputLayer',
              name: 'in',
              config: { name: 'in', batch_input_shape: [null, 2], dtype: 'float32' },
              inbound_nodes: [],
            },
            layer('trunk', 'Dense', { units: 8, activation: 'relu' }, ['in']),
            layer('a', 'Dense', { units: 2, activation: 'softmax' }, ['trunk']),
            layer('b', 'Dense', { units: 2, activation: 'softmax' }, ['trunk']),
          ],
          input_layers: [['in', 0, 0]],
          output_layers: [
            ['a', 0, 0],
            ['b', 0, 0],
          ],
        },
      };
      j.compile.loss = { a: 'sparse_categorical_crossentropy', b: 'sparse_categorical_crossentropy' };
      j.compile.loss_weights = { a: 1, b: 0.5 };
      j.compile.metrics = { a: ['accuracy'], b: ['accuracy'] };
    });
    const { status, body } = await post(job);
    expect(status, JSON.stringify(body)).toBe(400);
    expect(body.error).toMatchObject({ code: 'SPEC_SHAPE_MISMATCH', details: { path: '/model', outputs: ['a', 'b'] } });
  });

  const invalid: [string, Job, string][] = [
    ['loss as an empty list', mutate((j) => (j.compile.loss = [])), '/compile/loss'],
    ['loss as a number', mutate((j) => (j.compile.loss = 3)), '/compile/loss'],
    ['loss_weights with a string', mutate((j) => (j.compile.loss_weights = ['1'])), '/compile/loss_weights/0'],
    ['loss_weights negative', mutate((j) => (j.compile.loss_weights = { out: -1 })), '/compile/loss_weights/out'],
    ['metrics as a list of lists of numbers', mutate((j) => (j.compile.metrics = [[1]])), '/compile/metrics/0/0'],
    ['metrics as a string', mutate((j) => (j.compile.metrics = 'accuracy')), '/compile/metrics'],
  ];
  it.each(invalid)('%s → 400 VALIDATION_FAILED', async (_name, job, path) => {
    const { status, body } = await post(job);
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.path).toBe(path);
  });
});
