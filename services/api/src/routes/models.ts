import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  ErrorEnvelope,
  JobParams,
  PredictRequest,
  PredictResponse,
  modelBlobKey,
  type ModelFile,
} from '@trainyard/contracts';
import type { ApiConfig } from '../config.js';
import { ApiError } from '../errors.js';
import { jobNotFound } from '../job-store.js';
import type { ModelMeta } from '../model-cache.js';
import type { RouteApp } from './route-app.js';

/** Largest finite float32: a bigger JSON number would become Infinity in the model. */
const FLOAT32_MAX = 3.4028234663852886e38;

const invalid = (message: string, path: string, details: Record<string, unknown> = {}) =>
  new ApiError('PREDICT_INVALID_INPUT', message, { path, ...details });

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v === 'string' ? `the string ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)}` : typeof v;
}

/**
 * Checks a batch against a per-sample shape and packs it row-major, naming the first bad element.
 *
 * @example packSamples([[1, 2], [3, 'a']], [2]) // throws PREDICT_INVALID_INPUT at /x/1/1
 */
export function packSamples(x: readonly unknown[], shape: readonly number[]): Float32Array {
  const per = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(x.length * per);
  let k = 0;
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') throw invalid(`${path} must be a number, got ${describe(v)}`, path);
      if (!Number.isFinite(v) || Math.abs(v) > FLOAT32_MAX)
        throw invalid(`${path} must be a finite float32 number, got ${v}`, path);
      out[k++] = v;
      return;
    }
    const want = shape[depth];
    if (!Array.isArray(v) || v.length !== want) {
      const expected = `[${shape.slice(depth).join(', ')}]`;
      throw invalid(
        `${path} must be an array of ${want} (the sample shape is [${shape.join(', ')}], so here ${expected}), got ${describe(v)}`,
        path,
        { expected_shape: shape },
      );
    }
    for (let i = 0; i < want; i++) walk(v[i], depth + 1, `${path}/${i}`);
  };
  x.forEach((sample, i) => walk(sample, 0, `/x/${i}`));
  return out;
}

const ModelFileResponses = {
  400: ErrorEnvelope,
  404: ErrorEnvelope,
  409: ErrorEnvelope,
};

// 404 for an unknown job, 409 until the job has succeeded (its model is stored just before).
async function requireSucceeded(app: RouteApp, tenant: string, id: string): Promise<void> {
  const status = await app.jobs.status(tenant, id);
  if (!status) throw jobNotFound(id);
  if (status !== 'succeeded') {
    throw new ApiError('MODEL_NOT_READY', `Job ${id} is ${status}; a model exists only once a job has succeeded`, {
      id,
      status,
    });
  }
}

const missing = (id: string) =>
  new ApiError('MODEL_NOT_FOUND', `Job ${id} succeeded but has no stored model (it finished before models were kept)`, {
    id,
  });

/** A stored file of a succeeded job's model (404, 409 as requireSucceeded; MODEL_NOT_FOUND if never kept). */
async function readModelFile(app: RouteApp, tenant: string, id: string, file: ModelFile): Promise<Buffer> {
  await requireSucceeded(app, tenant, id);
  const blob = await app.blobs.get(modelBlobKey(id, file));
  if (!blob) throw missing(id);
  return blob;
}

/**
 * What a prediction of `samples` samples would cost, refused before it is queued: models with one
 * input and one output only, samples × forward FLOPs within TRAINYARD_PREDICT_MAX_FLOPS, and no
 * more output values than the largest request body could carry.
 */
function checkPredictCost(
  config: ApiConfig,
  id: string,
  meta: ModelMeta,
  samples: number,
): { flops: number; inShape: number[]; outShape: number[] } {
  if (meta.inputs.length !== 1 || meta.outputs.length !== 1) {
    throw new ApiError(
      'PREDICT_UNSUPPORTED_MODEL',
      `predict takes models with one input and one output; this one has ${meta.inputs.length} and ${meta.outputs.length}`,
      {
        id,
        inputs: meta.inputs.map((i) => i.name),
        outputs: meta.outputs.map((o) => o.name),
      },
    );
  }
  const flops = meta.flopsPerSample * samples;
  const limit = config.predictMaxFlops;
  if (flops > limit) {
    const fit = Math.floor(limit / meta.flopsPerSample);
    throw new ApiError(
      'PREDICT_TOO_EXPENSIVE',
      `${samples} sample(s) through this model cost about ${flops.toExponential(2)} FLOPs, more than the ${limit.toExponential(2)} a request may use; ` +
        (fit > 0
          ? `send at most ${fit} sample(s) per request`
          : 'even one sample is too expensive: download the model and run it yourself'),
      {
        estimated_flops: flops,
        max_flops: limit,
        flops_per_sample: meta.flopsPerSample,
        samples,
        max_samples: fit,
      },
    );
  }
  const inShape = [...meta.inputs[0].shape];
  const outShape = [...meta.outputs[0].shape];
  // The answer is bounded like the question: no more values than the largest request body could carry.
  const outputValues = outShape.reduce((a, b) => a * b, 1) * samples;
  const maxOutputs = Math.max(config.predictMaxSamples, Math.floor(config.predictMaxBytes / 4));
  if (outputValues > maxOutputs) {
    throw new ApiError(
      'PREDICT_TOO_EXPENSIVE',
      `${samples} sample(s) of this model's output shape [${outShape.join(', ')}] are ${outputValues} values, more than the ${maxOutputs} an answer may hold`,
      {
        output_values: outputValues,
        max_output_values: maxOutputs,
        samples,
        max_samples: Math.floor(maxOutputs / (outputValues / samples)),
      },
    );
  }
  return { flops, inShape, outShape };
}

/** GET /v1/jobs/:id/model: the model's one short address. */
function registerModelRedirect(app: RouteApp): void {
  app.get(
    '/v1/jobs/:id/model',
    {
      schema: {
        operationId: 'getModel',
        summary: "Redirect to a job's trained model",
        description: 'A 302 to `model/model.json`, so the model has one short address.',
        tags: ['models'],
        params: JobParams,
        response: {
          302: Type.Null({ description: 'Location: /v1/jobs/{id}/model/model.json' }),
          ...ModelFileResponses,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await requireSucceeded(app, request.tenant, id);
      return reply.redirect(`/v1/jobs/${id}/model/model.json`, 302);
    },
  );
}

/** GET /v1/jobs/:id/model/model.json. */
function registerModelJson(app: RouteApp): void {
  app.get(
    '/v1/jobs/:id/model/model.json',
    {
      schema: {
        operationId: 'getModelJson',
        summary: "A job's trained model (TensorFlow.js model.json)",
        description:
          'The topology and weights manifest of a TensorFlow.js layers model; its manifest names `weights.bin`, served next to it, ' +
          "so `tf.loadLayersModel('http://host/v1/jobs/{id}/model/model.json')` loads the trained model. A job that has not " +
          'succeeded (queued, running, failed, cancelled) answers 409 MODEL_NOT_READY.',
        tags: ['models'],
        params: JobParams,
        response: {
          200: Type.Object(
            {
              format: Type.Literal('layers-model'),
              modelTopology: Type.Unknown(),
              weightsManifest: Type.Array(Type.Unknown()),
            },
            {
              additionalProperties: true,
              description: 'TensorFlow.js layers-model model.json',
              examples: [
                {
                  format: 'layers-model',
                  modelTopology: { class_name: 'Sequential', config: { name: 'mlp', layers: [] } },
                  weightsManifest: [
                    { paths: ['weights.bin'], weights: [{ name: 'hidden/kernel', shape: [2, 16], dtype: 'float32' }] },
                  ],
                },
              ],
            },
          ),
          ...ModelFileResponses,
        },
      },
    },
    async (request, reply) => {
      const blob = await readModelFile(app, request.tenant, request.params.id, 'model.json');
      // Sent as stored: a Buffer skips the serializer (the schema is for the docs), which would drop the topology's fields.
      return reply
        .type('application/json; charset=utf-8')
        .header('cache-control', 'private, no-cache')
        .send(blob as never);
    },
  );
}

/** GET /v1/jobs/:id/model/weights.bin. */
function registerModelWeights(app: RouteApp): void {
  app.get(
    '/v1/jobs/:id/model/weights.bin',
    {
      schema: {
        operationId: 'getModelWeights',
        summary: "A job's trained weights (TensorFlow.js weights.bin)",
        description:
          'Little-endian float32 values of every weight, in the order and shapes the model.json manifest lists.',
        tags: ['models'],
        params: JobParams,
        response: {
          200: {
            description: 'weights.bin',
            content: { 'application/octet-stream': { schema: Type.String({ format: 'binary' }) } },
          },
          ...ModelFileResponses,
        },
      },
    },
    async (request, reply) => {
      const blob = await readModelFile(app, request.tenant, request.params.id, 'weights.bin');
      return reply
        .type('application/octet-stream')
        .header('cache-control', 'private, no-cache')
        .send(blob as never);
    },
  );
}

/** POST /v1/jobs/:id/predict. */
function registerPredict(app: RouteApp): void {
  app.post(
    '/v1/jobs/:id/predict',
    {
      bodyLimit: app.config.predictMaxBytes,
      schema: {
        operationId: 'predict',
        summary: "Predict with a job's trained model",
        description:
          "`x` is a batch of samples, each a nested array in the model's input shape; the answer's `outputs` holds one output per " +
          'sample. At most 1000 samples and 16 MiB per request by default (TRAINYARD_PREDICT_MAX_SAMPLES, TRAINYARD_PREDICT_MAX_BYTES) ' +
          '(413 PREDICT_TOO_MANY_SAMPLES, 413 BODY_TOO_LARGE); a sample of the wrong shape or a value that is not a finite number ' +
          'is a 400 PREDICT_INVALID_INPUT naming its path, e.g. `/x/3/1`. Models with one input and one output only. ' +
          'The forward pass runs in a pool of worker threads. Its cost, samples × forward FLOPs of one sample, may be at most ' +
          'TRAINYARD_PREDICT_MAX_FLOPS (1e10 by default): more is a 400 PREDICT_TOO_EXPENSIVE whose details give the estimate, the limit ' +
          'and how many samples fit (as it is when the outputs would hold more values than TRAINYARD_PREDICT_MAX_BYTES / 4, or than ' +
          'TRAINYARD_PREDICT_MAX_SAMPLES if that is more). When every thread is busy and the queue is full the answer is a 429 PREDICT_BUSY with Retry-After; ' +
          'a prediction stopped at the time limit is a 422 PREDICT_TIMEOUT, and a stored model that cannot be loaded a 422 MODEL_INVALID. ' +
          'For large batches download the model and run it yourself.',
        tags: ['models'],
        params: JobParams,
        body: PredictRequest,
        response: {
          200: PredictResponse,
          ...ModelFileResponses,
          413: ErrorEnvelope,
          422: ErrorEnvelope,
          429: ErrorEnvelope,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { x } = request.body;
      const max = app.config.predictMaxSamples;
      if (x.length > max)
        throw new ApiError('PREDICT_TOO_MANY_SAMPLES', `x has ${x.length} samples; at most ${max} per request`, {
          path: '/x',
          samples: x.length,
          max,
        });
      await requireSucceeded(app, request.tenant, id);
      const meta = await app.models.describe(id);
      if (!meta) throw missing(id);
      const { flops, inShape, outShape } = checkPredictCost(app.config, id, meta, x.length);
      const packed = packSamples(x, inShape);
      try {
        const y = await app.models.predict({ jobId: id, x: packed, samples: x.length, inputShape: inShape }, flops);
        // The outputs come serialised from the thread: only the envelope is written here.
        const body = `{"outputs":${y.outputs},"input_shape":${JSON.stringify(inShape)},"output_shape":${JSON.stringify(outShape)}}`;
        return reply.type('application/json; charset=utf-8').send(body as never);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'PREDICT_BUSY')
          reply.header('retry-after', String(err.details.retry_after_seconds));
        throw err;
      }
    },
  );
}

/**
 * The trained model of a succeeded job, as TensorFlow.js loads it, and predictions from it.
 * Predict runs in a bounded pool of worker threads (model-cache.ts), never on the event loop that
 * serves every other request; each request's forward cost is estimated from the model's layers
 * before it is queued and refused above a budget, so no request holds a thread for long.
 */
export const modelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  registerModelRedirect(app);
  registerModelJson(app);
  registerModelWeights(app);
  registerPredict(app);
};
