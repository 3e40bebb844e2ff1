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

export const CompileSpec = Type.Object(
  {
    optimizer: Type.Union([Type.String({ minLength: 1, maxLength: 100 }), KerasObject], {
      description: "'adam', 'sgd', or { class_name, config } with Keras names (learning_rate, momentum, beta_1, …)",
    }),
    loss: Type.Union([Type.String({ minLength: 1, maxLength: 100 }), KerasObject], {
      description: 'mean_squared_error, binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy',
    }),
    metrics: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 16 })),
  },
  { additionalProperties: false },
);

export const FitSpec = Type.Object(
  {
    epochs: Type.Integer({ minimum: 1, maximum: SPEC_LIMITS.maxEpochs }),
    batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: SPEC_LIMITS.maxBatchSize, default: 32 })),
    validation_split: Type.Optional(
      Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0, description: 'Last fraction of the data, taken before shuffling (as Keras does)' }),
    ),
    shuffle: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);

export const BuiltinDatasetSpec = Type.Object(
  {
    builtin: Type.String({ minLength: 1, maxLength: 100, description: 'spirals, xor, moons, blobs, paper-ball, fashion-mnist, iris, wine, breast-cancer, digits, boston-housing or diabetes' }),
    options: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Generator options: samples, noise, classes, …' })),
  },
  { additionalProperties: false },
);

export const InlineDatasetSpec = Type.Object(
  {
    inline: Type.Object(
      {
        x: Type.Array(Type.Unknown(), { minItems: 1, maxItems: SPEC_LIMITS.maxInlineSamples, description: 'Samples, nested arrays of numbers' }),
        y: Type.Array(Type.Unknown(), { minItems: 1, maxItems: SPEC_LIMITS.maxInlineSamples, description: 'Class indices [N] or targets [N, k]' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const DatasetSpec = Type.Union([BuiltinDatasetSpec, InlineDatasetSpec], {
  description: 'A built-in dataset ({ builtin, options }) or small inline data ({ inline: { x, y } })',
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
  compile: { optimizer: { class_name: 'Adam', config: { learning_rate: 0.01 } }, loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] },
  fit: { epochs: 30, batch_size: 32, validation_split: 0.2, shuffle: true },
  dataset: { builtin: 'spirals', options: { samples: 1000, noise: 0.1 } },
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
  },
  {
    additionalProperties: false,
    examples: [JOB_SPEC_EXAMPLE],
  },
);
export type JobSpec = Static<typeof JobSpec>;
export type DatasetSpec = Static<typeof DatasetSpec>;
export type CompileSpec = Static<typeof CompileSpec>;
export type FitSpec = Static<typeof FitSpec>;
