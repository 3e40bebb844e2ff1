// POST /v1/jobs with Keras compile and fit options beyond the basics: metric objects,
// learning-rate schedules and clipping, class_weight, initial_epoch, callbacks, and the
// multi-output forms of loss, loss_weights and metrics. The refusals are in
// jobs-keras-refused.test.ts and jobs-keras-callbacks.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { JOB_SPEC_EXAMPLE_CALLBACKS } from '@trainyard/contracts';
import { testApp } from '../test-utils/app.js';
import { adam, binaryJob, decay, earlyStopping, mutate, postJob, type Job } from '../test-utils/keras-jobs.js';

let app: FastifyInstance;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ app, close } = await testApp({ maxParams: 1_000_000 }));
});
afterAll(async () => {
  await close();
});

const post = (payload: unknown) => postJob(app, payload);

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
