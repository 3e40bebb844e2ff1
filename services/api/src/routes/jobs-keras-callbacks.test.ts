// POST /v1/jobs refusing fit.callbacks: unknown classes, bad configs and monitors the job does not log,
// each a 400 naming its code and path.
import { afterAll, beforeAll, describe } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testApp } from '../test-utils/app.js';
import { adam, decay, earlyStopping, itRefusesEach, mutate, type Refusal } from '../test-utils/keras-jobs.js';

let app: FastifyInstance;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ app, close } = await testApp({ maxParams: 1_000_000 }));
});
afterAll(async () => {
  await close();
});

describe('POST /v1/jobs: Keras callbacks that are refused', () => {
  const bad: Refusal[] = [
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
  ];
  itRefusesEach(() => app, bad);
});
