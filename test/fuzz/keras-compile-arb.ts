// Keras fuzz cases, part 4: compile (optimizer, loss, metrics) and fit options.
import fc from 'fast-check';
import type { Json, Small } from './keras-data-arb.js';

export const optimizer = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('adam', 'sgd', 'rmsprop', 'adagrad', 'adamw') },
  {
    weight: 2,
    arbitrary: fc.record({
      class_name: fc.constantFrom('Adam', 'SGD', 'RMSprop', 'Nadam', 'Adamax'),
      config: fc.record(
        {
          learning_rate: fc.oneof(fc.constantFrom(0.01, 0.001), fc.constantFrom(0, -1, 1e9, 'NaN')),
          clipnorm: fc.constantFrom(1, 0, -1),
        },
        { requiredKeys: ['learning_rate'] },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      class_name: fc.constant('Adam'),
      config: fc.record({
        learning_rate: fc.record({
          class_name: fc.constantFrom('ExponentialDecay', 'CosineDecay', 'PiecewiseConstantDecay', 'Nope'),
          config: fc.record(
            {
              initial_learning_rate: fc.constantFrom(0.01, -1),
              decay_steps: fc.constantFrom(10, 0, -5),
              decay_rate: fc.constantFrom(0.9, 2),
              boundaries: fc.constantFrom([10], [], [5, 1]),
              values: fc.constantFrom([0.1, 0.01], [0.1]),
            },
            { requiredKeys: [] },
          ),
        }),
      }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constantFrom('Adam ', 'lbfgs', ''),
      fc.record({
        class_name: fc.constant('SGD'),
        config: fc.record({ momentum: fc.constantFrom(1.5, -1), nesterov: fc.constant('yes') }),
      }),
    ),
  },
);

export const loss = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.constantFrom(
      'sparse_categorical_crossentropy',
      'sparse_categorical_crossentropy',
      'categorical_crossentropy',
      'binary_crossentropy',
      'mse',
      'mae',
      'huber',
      'hinge',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constantFrom('ctc', 'SparseCategoricalCrossentropy', 'kld', ''),
      fc.record({
        class_name: fc.constantFrom('SparseCategoricalCrossentropy', 'Huber', 'Nope'),
        config: fc.record({ from_logits: fc.boolean(), delta: fc.constantFrom(1, -1, 0) }, { requiredKeys: [] }),
      }),
    ),
  },
);

/** Metrics: names and objects, with sane configs when small and odd ones (huge threshold counts, k = 0, …) otherwise. */
export function metrics(small: Small): fc.Arbitrary<unknown[]> {
  const odd = small
    ? fc.constantFrom(2, 50, 200)
    : fc.oneof(fc.constantFrom(2, 200), fc.constantFrom(0, 1, -1, 1e7, 1e9, 1.5, 'x'));
  const metric = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'accuracy',
        'acc',
        'sparse_categorical_accuracy',
        'mae',
        'mse',
        'top_k_categorical_accuracy',
        'sparse_top_k_categorical_accuracy',
        'auc',
        'precision',
        'recall',
      ),
    },
    fc.record({
      class_name: fc.constant('AUC'),
      config: fc.record({ num_thresholds: odd, curve: fc.constantFrom('ROC', 'PR', 'XY') }, { requiredKeys: [] }),
    }),
    fc.record({
      class_name: fc.constantFrom('Precision', 'Recall'),
      config: fc.record(
        { thresholds: fc.constantFrom(0.5, 0, 1, 2, [0.1, 0.9]), top_k: fc.constantFrom(1, 0) },
        { requiredKeys: [] },
      ),
    }),
    fc.record({
      class_name: fc.constantFrom('TopKCategoricalAccuracy', 'SparseTopKCategoricalAccuracy'),
      config: fc.record({ k: small ? fc.constantFrom(1, 2) : odd }),
    }),
    fc.oneof(
      fc.constantFrom('f1', 'Accuracy ', '', 'loss'),
      fc.constant({ class_name: 'MeanIoU', config: { num_classes: 2 } }),
    ),
  );
  return fc.array(metric, { maxLength: 3 });
}

/** fit: one short epoch when small; anything the schema allows (and some it does not) otherwise. */
export function fit(small: Small): fc.Arbitrary<Json> {
  if (small === 'bomb')
    return fc.record({ epochs: fc.constantFrom(1, 1000), batch_size: fc.constantFrom(4096, 65_536) });
  if (small) {
    return fc.record(
      {
        epochs: fc.constant(1),
        batch_size: fc.constantFrom(8, 16, 32),
        validation_split: fc.constantFrom(0, 0.2),
        shuffle: fc.boolean(),
      },
      { requiredKeys: ['epochs'] },
    );
  }
  // Valid values everywhere but (often) one field, so most cases get past the schema to the engine.
  const fields: Record<string, [fc.Arbitrary<unknown>, fc.Arbitrary<unknown>]> = {
    epochs: [fc.constantFrom(1, 2, 1000), fc.constantFrom(0, -1, 1.5, 1001)],
    batch_size: [fc.constantFrom(1, 32, 65_536), fc.constantFrom(0, -1, 65_537, 1e9)],
    validation_split: [fc.constantFrom(0, 0.5, 0.99), fc.constantFrom(1, -0.1)],
    initial_epoch: [fc.constantFrom(0, 1, 999), fc.constantFrom(5000, -1)],
    class_weight: [fc.constantFrom({ '0': 1, '1': 2 }, { '0': 0 }), fc.constantFrom({ '0': -1 }, { x: 1 }, { '9': 1 })],
    callbacks: [
      fc.constantFrom(
        [{ class_name: 'EarlyStopping', config: { monitor: 'loss', patience: 1 } }],
        [{ class_name: 'TerminateOnNaN' }],
      ),
      fc.constantFrom(
        [{ class_name: 'EarlyStopping', config: { monitor: 'nonsense' } }],
        [{ class_name: 'ReduceLROnPlateau', config: { factor: 2 } }],
        [{ class_name: 'ModelCheckpoint', config: { filepath: '/etc/passwd' } }],
        [{}],
        'EarlyStopping',
      ),
    ],
  };
  const names = Object.keys(fields);
  return fc
    .tuple(
      fc.record(Object.fromEntries(names.map((k) => [k, fields[k][0]])), { requiredKeys: ['epochs'] }),
      fc.nat({ max: 3 }),
      fc.constantFrom(...names).chain((k) => fields[k][1].map((v) => [k, v] as const)),
    )
    .map(([good, dice, [k, v]]) => (dice === 0 ? { ...good, [k]: v } : good));
}
