import { Type, type Static } from 'typebox';

/**
 * Limits that a schema can express; the api checks the rest (parameter count, dataset size)
 * after parsing the model. Kept here so the docs and the validator agree.
 */
export const SPEC_LIMITS = {
  maxEpochs: 1000,
  maxBatchSize: 65_536,
  maxSeed: 2 ** 32 - 1,
  maxInlineSamples: 10_000,
  maxSyntheticSamples: 100_000,
  maxCallbacks: 8,
  maxClassWeights: 1000,
} as const;

const KerasObject = Type.Object(
  {
    class_name: Type.String({ minLength: 1, maxLength: 100 }),
    config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: true },
);

/** A Keras `Sequential` model config, as `model.to_json()` writes it (Keras 2, Keras 3 or TF.js). */
export const ModelSpec = Type.Object(
  {
    class_name: Type.String({ minLength: 1, maxLength: 100, description: 'Sequential' }),
    config: Type.Unknown({ description: 'Keras model config: { name, layers: [...] }' }),
  },
  { additionalProperties: true, description: 'Keras model JSON (model.to_json())' },
);

const KerasName = Type.String({ minLength: 1, maxLength: 100 });

/** One loss: a Keras name or a Keras loss object. */
const LossEntry = Type.Union([KerasName, KerasObject]);

/** One metric: a Keras name ('accuracy', 'auc', …) or a Keras metric object ({ class_name: 'AUC', config }). */
const MetricEntry = Type.Union([KerasName, KerasObject]);

const OutputName = Type.String({ minLength: 1, maxLength: 100 });

export const CompileSpec = Type.Object(
  {
    optimizer: Type.Union([KerasName, KerasObject], {
      description:
        "'adam', 'sgd', or { class_name, config } with Keras names: learning_rate (a number or a schedule " +
        '{ class_name: ExponentialDecay | PiecewiseConstantDecay | CosineDecay, config }), momentum, beta_1, …, ' +
        'and one of clipnorm, clipvalue, global_clipnorm',
    }),
    loss: Type.Union(
      [
        LossEntry,
        Type.Array(LossEntry, { minItems: 1, maxItems: 16 }),
        Type.Record(OutputName, LossEntry, { minProperties: 1, maxProperties: 16 }),
      ],
      {
        description:
          'A Keras loss name (mean_squared_error, binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, …) ' +
          'or { class_name, config }; for a model with several outputs, a list with one per output or an object keyed by output name',
      },
    ),
    loss_weights: Type.Optional(
      Type.Union(
        [
          Type.Array(Type.Number({ minimum: 0 }), { minItems: 1, maxItems: 16 }),
          Type.Record(OutputName, Type.Number({ minimum: 0 }), { minProperties: 1, maxProperties: 16 }),
        ],
        {
          description:
            'Keras loss_weights: one weight per output, as a list in output order or an object keyed by output name',
        },
      ),
    ),
    metrics: Type.Optional(
      Type.Union(
        [
          Type.Array(Type.Union([MetricEntry, Type.Array(MetricEntry, { maxItems: 16 })]), { maxItems: 16 }),
          Type.Record(OutputName, Type.Union([MetricEntry, Type.Array(MetricEntry, { maxItems: 16 })]), {
            maxProperties: 16,
          }),
        ],
        {
          description:
            "Keras metrics: names ('accuracy', 'mae', 'auc', 'precision', …) or metric objects " +
            "({ class_name: 'AUC', config: { num_thresholds: 200 } }, TopKCategoricalAccuracy with k, Precision, Recall, …), " +
            'logged under their Keras names (auc, val_auc); for several outputs, a list of lists or an object keyed by output name',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

/** Keras callbacks a job may ask for; the service checkpoints on its own, so ModelCheckpoint is not one of them. */
export const USER_CALLBACKS = ['EarlyStopping', 'ReduceLROnPlateau', 'TerminateOnNaN'] as const;

export const CallbackSpec = Type.Object(
  {
    class_name: Type.String({ minLength: 1, maxLength: 100, description: USER_CALLBACKS.join(' | ') }),
    config: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'Keras arguments, e.g. { monitor: "val_loss", patience: 3 }',
      }),
    ),
  },
  {
    additionalProperties: true,
    description:
      'A Keras callback config. EarlyStopping (monitor, min_delta, patience, mode, baseline, restore_best_weights, start_from_epoch); ' +
      'ReduceLROnPlateau (monitor, factor, patience, mode, min_delta, cooldown, min_lr; needs a constant learning rate); ' +
      'TerminateOnNaN (the service always fails a job whose loss becomes NaN as TRAINING_DIVERGED). ' +
      '`monitor` must be a value the job logs: loss, a metric name, or val_* of either when there is validation data. ' +
      'ModelCheckpoint is refused: every job is checkpointed each epoch by the service.',
  },
);

export const FitSpec = Type.Object(
  {
    epochs: Type.Integer({ minimum: 1, maximum: SPEC_LIMITS.maxEpochs }),
    batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: SPEC_LIMITS.maxBatchSize, default: 32 })),
    validation_split: Type.Optional(
      Type.Number({
        minimum: 0,
        exclusiveMaximum: 1,
        default: 0,
        description: 'Last fraction of the data, taken before shuffling (as Keras does)',
      }),
    ),
    shuffle: Type.Optional(Type.Boolean({ default: true })),
    initial_epoch: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: SPEC_LIMITS.maxEpochs - 1,
        default: 0,
        description:
          'Keras initial_epoch: the 0-based epoch to start at (must be below epochs); epoch events and schedules count from it',
      }),
    ),
    class_weight: Type.Optional(
      Type.Record(Type.String(), Type.Number({ minimum: 0 }), {
        propertyNames: { pattern: '^(0|[1-9][0-9]{0,5})$' },
        minProperties: 1,
        maxProperties: SPEC_LIMITS.maxClassWeights,
        description:
          'Keras class_weight: class index (as a string key) → weight ≥ 0 multiplying the loss of its samples; classes left out weigh 1. Classification datasets only',
      }),
    ),
    callbacks: Type.Optional(
      Type.Array(CallbackSpec, {
        maxItems: SPEC_LIMITS.maxCallbacks,
        description: `Up to ${SPEC_LIMITS.maxCallbacks} Keras callbacks`,
      }),
    ),
  },
  { additionalProperties: false },
);

export const BuiltinDatasetSpec = Type.Object(
  {
    builtin: Type.String({
      minLength: 1,
      maxLength: 100,
      description:
        'spirals, xor, moons, blobs, paper-ball, fashion-mnist, iris, wine, breast-cancer, digits, boston-housing or diabetes',
    }),
    options: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'Generator options: samples, noise, classes, …' }),
    ),
  },
  { additionalProperties: false },
);

export const InlineDatasetSpec = Type.Object(
  {
    inline: Type.Object(
      {
        x: Type.Array(Type.Unknown(), {
          minItems: 1,
          maxItems: SPEC_LIMITS.maxInlineSamples,
          description: 'Samples, nested arrays of numbers',
        }),
        y: Type.Array(Type.Unknown(), {
          minItems: 1,
          maxItems: SPEC_LIMITS.maxInlineSamples,
          description: 'Class indices [N] or targets [N, k]',
        }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const StoredDatasetSpec = Type.Object(
  {
    id: Type.String({ pattern: '^ds_[A-Za-z0-9_-]{6,64}$', description: 'An uploaded dataset (POST /v1/datasets)' }),
    options: Type.Optional(
      Type.Object(
        {
          test_split: Type.Optional(
            Type.Number({
              minimum: 0,
              maximum: 0.5,
              default: 0,
              description: 'Fraction held out (seeded shuffle) and evaluated at the end as test_*',
            }),
          ),
          seed: Type.Optional(
            Type.Integer({
              minimum: 0,
              maximum: 2 ** 32 - 1,
              default: 0,
              description: 'Seed of the shuffle that picks the test split',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const DatasetSpec = Type.Union([BuiltinDatasetSpec, InlineDatasetSpec, StoredDatasetSpec], {
  description:
    'A built-in dataset ({ builtin, options }), small inline data ({ inline: { x, y } }) or an uploaded one ({ id, options })',
});

/** The example job of DESIGN.md: an MLP on two spirals. */
export const JOB_SPEC_EXAMPLE = {
  model: {
    class_name: 'Sequential',
    config: {
      layers: [
        { class_name: 'Dense', config: { units: 32, activation: 'relu', batch_input_shape: [null, 2] } },
        { class_name: 'Dense', config: { units: 2, activation: 'softmax' } },
      ],
    },
  },
  compile: {
    optimizer: { class_name: 'Adam', config: { learning_rate: 0.01 } },
    loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy'],
  },
  fit: { epochs: 30, batch_size: 32, validation_split: 0.2, shuffle: true },
  dataset: { builtin: 'spirals', options: { samples: 1000, noise: 0.1 } },
  seed: 7,
};

/**
 * A job using the Keras compile and fit options beyond the basics: an AUC metric object, a
 * decaying learning rate with gradient clipping, class weights and early stopping.
 */
export const JOB_SPEC_EXAMPLE_CALLBACKS = {
  model: {
    class_name: 'Sequential',
    config: {
      layers: [
        { class_name: 'Dense', config: { units: 16, activation: 'relu', batch_input_shape: [null, 30] } },
        { class_name: 'Dense', config: { units: 1, activation: 'sigmoid' } },
      ],
    },
  },
  compile: {
    optimizer: {
      class_name: 'Adam',
      config: {
        learning_rate: {
          class_name: 'ExponentialDecay',
          config: { initial_learning_rate: 0.01, decay_steps: 100, decay_rate: 0.9 },
        },
        clipnorm: 1,
      },
    },
    loss: 'binary_crossentropy',
    metrics: ['accuracy', { class_name: 'AUC', config: { num_thresholds: 200 } }],
  },
  fit: {
    epochs: 100,
    batch_size: 32,
    validation_split: 0.2,
    class_weight: { '0': 1.7, '1': 1 },
    callbacks: [
      {
        class_name: 'EarlyStopping',
        config: { monitor: 'val_auc', mode: 'max', patience: 5, restore_best_weights: true },
      },
    ],
  },
  dataset: { builtin: 'breast-cancer' },
  seed: 7,
};

/** The body of `POST /v1/jobs`. */
export const JobSpec = Type.Object(
  {
    model: ModelSpec,
    compile: CompileSpec,
    fit: FitSpec,
    dataset: DatasetSpec,
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: SPEC_LIMITS.maxSeed, default: 0 })),
    timeout_seconds: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          "Wall-clock budget of the whole job, retries included; past it the job fails with JOB_TIMEOUT. Default and maximum: the service's TRAINYARD_JOB_TIMEOUT_S.",
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [JOB_SPEC_EXAMPLE, JOB_SPEC_EXAMPLE_CALLBACKS],
  },
);
export type JobSpec = Static<typeof JobSpec>;
export type DatasetSpec = Static<typeof DatasetSpec>;
export type CompileSpec = Static<typeof CompileSpec>;
export type FitSpec = Static<typeof FitSpec>;
