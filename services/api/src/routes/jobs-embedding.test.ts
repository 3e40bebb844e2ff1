// POST /v1/jobs with an Embedding: its indices must be integers in [0, input_dim). The fuzz suite
// (test/fuzz/keras.test.ts) found such specs accepted and then failed by the worker with
// SPEC_INCOMPATIBLE_TARGETS; they are refused before queuing wherever the api can see the values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testApp } from '../test-utils/app.js';

let app: FastifyInstance;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ app, close } = await testApp());
});
afterAll(async () => {
  await close();
});

const tokens = [
  [0, 5, 9],
  [1, 2, 3],
  [9, 9, 0],
  [4, 4, 4],
];

/** Embedding(inputDim) → Flatten → softmax, on `dataset`; `between` goes before the Embedding. */
function embeddingJob(
  inputDim: number,
  dataset: unknown,
  inputShape: number[] = [3],
  between: Record<string, unknown>[] = [],
  classes = 2,
) {
  return {
    model: {
      class_name: 'Sequential',
      config: {
        layers: [
          { class_name: 'InputLayer', config: { batch_input_shape: [null, ...inputShape] } },
          ...between,
          { class_name: 'Embedding', config: { name: 'emb', input_dim: inputDim, output_dim: 4 } },
          { class_name: 'Flatten', config: {} },
          { class_name: 'Dense', config: { units: classes, activation: 'softmax' } },
        ],
      },
    },
    compile: { optimizer: 'adam', loss: 'sparse_categorical_crossentropy' },
    fit: { epochs: 1, batch_size: 2 },
    dataset,
  };
}

async function post(payload: unknown) {
  const res = await app.inject({ method: 'POST', url: '/v1/jobs', payload: payload as string });
  return { status: res.statusCode, body: res.json() };
}

describe('POST /v1/jobs: Embedding indices', () => {
  it('accepts inline token ids below input_dim, through a Reshape too, and the raw digits counts with input_dim 17', async () => {
    expect((await post(embeddingJob(10, { inline: { x: tokens, y: [0, 1, 0, 1] } }))).status).toBe(201);
    const reshaped = embeddingJob(
      10,
      { inline: { x: tokens, y: [0, 1, 0, 1] } },
      [3],
      [{ class_name: 'Reshape', config: { target_shape: [3] } }],
    );
    expect((await post(reshaped)).status).toBe(201);
    const digits = await post(embeddingJob(17, { builtin: 'digits' }, [64], [], 10));
    expect(digits.status, JSON.stringify(digits.body)).toBe(201);
  });

  const refused: [string, unknown, string, string, RegExp][] = [
    [
      'an inline id equal to input_dim',
      embeddingJob(9, { inline: { x: tokens, y: [0, 1, 0, 1] } }),
      'SPEC_INCOMPATIBLE_TARGETS',
      '/dataset/inline/x',
      /\[0, 9\).*holds 9/,
    ],
    [
      'a fractional inline value',
      embeddingJob(10, {
        inline: {
          x: [
            [0, 1.5, 2],
            [1, 2, 3],
          ],
          y: [0, 1],
        },
      }),
      'SPEC_INCOMPATIBLE_TARGETS',
      '/dataset/inline/x',
      /holds 1\.5/,
    ],
    [
      'a negative inline value',
      embeddingJob(10, {
        inline: {
          x: [
            [0, -1, 2],
            [1, 2, 3],
          ],
          y: [0, 1],
        },
      }),
      'SPEC_INCOMPATIBLE_TARGETS',
      '/dataset/inline/x',
      /holds -1/,
    ],
    [
      'a real-valued built-in',
      embeddingJob(50, { builtin: 'spirals' }, [2]),
      'SPEC_INCOMPATIBLE_TARGETS',
      '/dataset',
      /spirals has real-valued features/,
    ],
    [
      'digits standardized',
      embeddingJob(17, { builtin: 'digits', options: { standardize: 1 } }, [64], [], 10),
      'SPEC_INCOMPATIBLE_TARGETS',
      '/dataset',
      /standardized/,
    ],
    [
      'digits with input_dim 16',
      embeddingJob(16, { builtin: 'digits' }, [64], [], 10),
      'SPEC_INCOMPATIBLE_TARGETS',
      '/dataset',
      /values up to 16/,
    ],
    [
      'indices computed by a Dense',
      embeddingJob(
        10,
        { inline: { x: tokens, y: [0, 1, 0, 1] } },
        [3],
        [{ class_name: 'Dense', config: { name: 'proj', units: 3 } }],
      ),
      'SPEC_INVALID_MODEL',
      '/model/config/layers/2',
      /output of layer "proj"/,
    ],
  ];
  it.each(refused.map(([name, spec, code, path, message]) => ({ name, spec, code, path, message })))(
    'refuses $name: 400 $code at $path',
    async ({ spec, code, path, message }) => {
      const res = await post(spec);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error).toMatchObject({ code, details: { path, layer: 'emb' } });
      expect(res.body.error.message).toMatch(message);
    },
  );
});
