import { Type, type Static } from 'typebox';

/**
 * Where a job's files live in the blob store, shared by the worker (writer) and the api (reader).
 * Everything a job stores sits under `jobs/<id>/`, so deleting the job removes it all with one prefix.
 *
 * @example jobBlobKey('job_abc', 'model/model.json') // 'jobs/job_abc/model/model.json'
 */
export function jobBlobKey(id: string, file = ''): string {
  return `jobs/${id}/${file}`;
}

/** The files of a trained model, a TensorFlow.js layers model: model.json names weights.bin next to it. */
export const MODEL_FILES = ['model.json', 'weights.bin'] as const;
export type ModelFile = (typeof MODEL_FILES)[number];

/** Blob key of one file of a job's trained model. */
export function modelBlobKey(id: string, file: ModelFile): string {
  return jobBlobKey(id, `model/${file}`);
}

/** Links to a finished job's artifacts, as the completed event and the job view carry them. */
export function artifactLinks(id: string): { model: string; predict: string } {
  return { model: `/v1/jobs/${id}/model/model.json`, predict: `/v1/jobs/${id}/predict` };
}

/** Body of `POST /v1/jobs/:id/predict`. */
export const PredictRequest = Type.Object(
  {
    x: Type.Array(Type.Unknown(), {
      minItems: 1,
      description:
        "A batch of samples, each a nested array of numbers in the model's input shape (no batch axis): [N, …input_shape]",
    }),
  },
  {
    additionalProperties: false,
    examples: [
      {
        x: [
          [0.1, -0.4],
          [0.7, 0.2],
        ],
      },
    ],
  },
);
export type PredictRequest = Static<typeof PredictRequest>;

/** Answer of `POST /v1/jobs/:id/predict`. */
export const PredictResponse = Type.Object(
  {
    outputs: Type.Array(Type.Unknown(), {
      description: "The model's outputs for each sample, nested arrays [N, …output_shape] (float32 values)",
    }),
    input_shape: Type.Array(Type.Integer(), { description: 'Per-sample input shape the model takes' }),
    output_shape: Type.Array(Type.Integer(), { description: 'Per-sample output shape' }),
  },
  {
    examples: [
      {
        outputs: [
          [0.93, 0.07],
          [0.12, 0.88],
        ],
        input_shape: [2],
        output_shape: [2],
      },
    ],
  },
);
export type PredictResponse = Static<typeof PredictResponse>;
