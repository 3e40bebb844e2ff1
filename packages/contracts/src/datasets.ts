import { Type, type Static } from 'typebox';

/** Limits of `POST /v1/datasets` that a schema can state; the byte cap is the api's configuration. */
export const DATASET_LIMITS = { maxUrlLength: 2048, maxListLimit: 100, defaultListLimit: 20 } as const;

export const DatasetId = Type.String({
  pattern: '^ds_[A-Za-z0-9_-]{6,64}$',
  description: 'Dataset id, e.g. ds_7Hq2kLm0aZ',
  examples: ['ds_7Hq2kLm0aZ'],
});

const Shape = Type.Array(Type.Integer({ minimum: 0 }), { description: 'Array shape, samples first' });

/** A stored dataset as `POST`/`GET /v1/datasets` describe it. */
export const DatasetView = Type.Object(
  {
    id: DatasetId,
    name: Type.String(),
    format: Type.String({
      description: 'What was uploaded: json, csv, npy, idx, idx.gz (x and y may differ: "idx.gz+npy")',
    }),
    samples: Type.Integer({ minimum: 1 }),
    x_shape: Shape,
    y_shape: Shape,
    dtype: Type.Literal('float32', { description: 'How x and y are stored and trained on' }),
    classes: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
      description: 'Class count (labels [N] or one-hot rows [N, k]); null for regression targets',
    }),
    class_names: Type.Optional(
      Type.Array(Type.String(), { description: 'CSV text labels; class i is class_names[i]' }),
    ),
    bytes: Type.Integer({ minimum: 0, description: 'Bytes stored' }),
    created_at: Type.String({ description: 'ISO 8601' }),
    links: Type.Object({ self: Type.String() }),
  },
  {
    examples: [
      {
        id: 'ds_7Hq2kLm0aZ',
        name: 'iris.csv',
        format: 'csv',
        samples: 150,
        x_shape: [150, 4],
        y_shape: [150],
        dtype: 'float32',
        classes: 3,
        class_names: ['setosa', 'versicolor', 'virginica'],
        bytes: 3256,
        created_at: '2026-11-27T10:00:00.000Z',
        links: { self: '/v1/datasets/ds_7Hq2kLm0aZ' },
      },
    ],
  },
);
export type DatasetView = Static<typeof DatasetView>;

export const DatasetList = Type.Object(
  {
    items: Type.Array(DatasetView),
    next_cursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `cursor` for the next page; null on the last page',
    }),
  },
  { examples: [{ items: (DatasetView as { examples?: unknown[] }).examples, next_cursor: null }] },
);
export type DatasetList = Static<typeof DatasetList>;

export const DatasetListQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: DATASET_LIMITS.maxListLimit, default: DATASET_LIMITS.defaultListLimit }),
    ),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

/** How to read an upload: the CSV target column, declared classes and sample shape. */
export const DatasetUploadQuery = Type.Object(
  {
    target: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'CSV: the header column holding the target (required for CSV)',
      }),
    ),
    classes: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 10_000, description: 'Declared class count; every label must be below it' }),
    ),
    shape: Type.Optional(
      Type.String({
        pattern: '^[1-9][0-9]{0,5}(,[1-9][0-9]{0,5}){0,3}$',
        description: 'Declared shape of one sample, e.g. 28,28: x is reshaped to it',
      }),
    ),
    regression: Type.Optional(
      Type.Boolean({ description: 'CSV: read a whole-number target as regression values [N, 1]' }),
    ),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type DatasetUploadQuery = Static<typeof DatasetUploadQuery>;

export const DatasetJsonBody = Type.Object(
  {
    x: Type.Array(Type.Unknown(), { minItems: 1, description: 'Samples, nested arrays of numbers' }),
    y: Type.Array(Type.Unknown(), { minItems: 1, description: 'Class indices [N], one-hot rows or targets [N, k]' }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const DatasetUrlBody = Type.Object(
  {
    url: Type.String({
      minLength: 8,
      maxLength: DATASET_LIMITS.maxUrlLength,
      pattern: '^https?://',
      description: 'http(s) URL of a CSV (with ?target=) or a JSON { x, y } file',
    }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

/** `GET /v1/datasets/builtin`: each built-in with its shapes, classes and options. */
export const BuiltinDatasetList = Type.Object(
  {
    items: Type.Array(
      Type.Object({
        name: Type.String(),
        kind: Type.String({
          description: 'synthetic (generated), installed (OS package) or bundled (shipped with Trainyard)',
        }),
        task: Type.String({ description: 'classification or regression' }),
        description: Type.String(),
        sample_shape: Type.Array(Type.Integer()),
        classes: Type.Integer({ minimum: 0, description: '0 for regression' }),
        samples: Type.Optional(Type.Integer({ description: 'Rows in a bundled table' })),
        options: Type.Array(
          Type.Object({
            name: Type.String(),
            default: Type.Number(),
            min: Type.Number(),
            max: Type.Number(),
            integer: Type.Boolean(),
            description: Type.String(),
          }),
        ),
      }),
    ),
  },
  {
    examples: [
      {
        items: [
          {
            name: 'spirals',
            kind: 'synthetic',
            task: 'classification',
            description: 'Interleaved Archimedean spiral arms in 2-D, one per class: not linearly separable',
            sample_shape: [2],
            classes: 2,
            options: [
              {
                name: 'samples',
                default: 1000,
                min: 2,
                max: 100000,
                integer: true,
                description: 'Number of samples, split evenly between the classes',
              },
            ],
          },
        ],
      },
    ],
  },
);

/** Where a dataset's files live in the blob store, shared by the api (writer) and the worker (reader). */
export function datasetBlobKey(id: string, file: 'x.npy' | 'y.npy' | 'meta.json' | '' = ''): string {
  return `datasets/${id}/${file}`;
}
