import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorEnvelope, JobEstimate, JobParams, type JobSpec } from '@trainyard/contracts';
import { inspectModel, NnError, type ModelInfo, type TrainingEstimate } from '@trainyard/nn';
import { ApiError } from '../errors.js';
import { jobNotFound } from '../job-store.js';
import { resolveDataset } from '../resolve-dataset.js';
import { checkJob, jobEstimate, type JobLimits } from '../validate-job.js';

const Dim = Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]);

export const ModelSummary = Type.Object(
  {
    name: Type.String({ description: "The model's name" }),
    kind: Type.Union([Type.Literal('sequential'), Type.Literal('functional')]),
    input_shape: Type.Array(Dim, { description: 'The first input, batch axis first (null)' }),
    output_shape: Type.Array(Dim, { description: 'The first output, batch axis first (null)' }),
    layers: Type.Array(
      Type.Object({
        name: Type.String(),
        class_name: Type.String(),
        output_shape: Type.Array(Dim, { description: 'Batch axis first (null)' }),
        params: Type.Integer({ minimum: 0, description: 'Weights of this layer, trainable or not' }),
        units: Type.Optional(Type.Integer({ description: 'Dense, recurrent layers' })),
        filters: Type.Optional(Type.Integer({ description: 'Convolutions' })),
        activation: Type.Optional(Type.String()),
        activation_bytes: Type.Optional(
          Type.Integer({
            minimum: 0,
            description:
              "Estimated bytes the layer's forward pass keeps for backward at the job's batch size, with their gradients",
          }),
        ),
        flops_per_sample: Type.Optional(
          Type.Number({ minimum: 0, description: 'Estimated forward FLOPs for one sample' }),
        ),
      }),
      { description: 'Layers in the order they run (InputLayers left out)' },
    ),
    total_params: Type.Integer({ minimum: 0 }),
    estimate: Type.Optional(JobEstimate),
  },
  {
    description: "The layers of a job's model as Keras's summary() lists them",
    examples: [
      {
        name: 'mlp',
        kind: 'sequential',
        input_shape: [null, 2],
        output_shape: [null, 2],
        layers: [
          {
            name: 'hidden',
            class_name: 'Dense',
            output_shape: [null, 32],
            params: 96,
            units: 32,
            activation: 'relu',
            activation_bytes: 20480,
            flops_per_sample: 160,
          },
          {
            name: 'out',
            class_name: 'Dense',
            output_shape: [null, 2],
            params: 66,
            units: 2,
            activation: 'softmax',
            activation_bytes: 2816,
            flops_per_sample: 130,
          },
        ],
        total_params: 162,
        estimate: { memory_bytes: 35_696_000, flops_per_epoch: 754_000, params: 162 },
      },
    ],
  },
);
export type ModelSummary = Static<typeof ModelSummary>;

interface LayerEntry {
  class_name?: unknown;
  config?: Record<string, unknown>;
}

/** The spec's own layer configs, for what inspectModel does not report (units, filters, activation). */
function specLayers(model: unknown): LayerEntry[] {
  const layers = (model as { config?: { layers?: unknown } } | undefined)?.config?.layers;
  return Array.isArray(layers) ? (layers as LayerEntry[]).filter((l) => l && l.class_name !== 'InputLayer') : [];
}

const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);

/** The activation as a name, whether given as a string or a `{ class_name }` object. */
function activation(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  const name =
    (v as { class_name?: unknown; config?: { name?: unknown } } | null)?.config?.name ??
    (v as { class_name?: unknown } | null)?.class_name;
  return typeof name === 'string' ? name : undefined;
}

/** The summary of a spec's model, shaped like the dashboard's table; with the job's estimate, where each layer's memory and FLOPs go. */
export function summarise(spec: JobSpec, info: ModelInfo, estimate?: TrainingEstimate): ModelSummary {
  const own = specLayers(spec.model);
  const byName = new Map(own.map((l) => [l.config?.name, l]));
  const name = (spec.model as { config?: { name?: unknown } }).config?.name;
  return {
    name: typeof name === 'string' ? name : info.kind,
    kind: info.kind,
    input_shape: [null, ...info.inputShape],
    output_shape: [null, ...info.outputShape],
    layers: info.layers.map((l, i) => {
      // Unnamed spec layers get generated names (dense_1), so fall back to position (Sequential only).
      const c = (byName.get(l.name) ?? (info.kind === 'sequential' ? own[i] : undefined))?.config ?? {};
      const row: ModelSummary['layers'][number] = {
        name: l.name,
        class_name: l.className,
        output_shape: l.outputShape,
        params: l.params,
      };
      if (int(c.units) !== undefined) row.units = int(c.units);
      if (int(c.filters) !== undefined) row.filters = int(c.filters);
      if (activation(c.activation) !== undefined) row.activation = activation(c.activation);
      // Both come from the same shape inference, layer for layer.
      const est = estimate?.layers[i];
      if (est && est.layer === l.name)
        Object.assign(row, { activation_bytes: est.activationBytes, flops_per_sample: est.flopsPerSample });
      return row;
    }),
    total_params: info.params,
    ...(estimate && { estimate: jobEstimate(estimate) }),
  };
}

const UNLIMITED: JobLimits = { maxParams: Number.MAX_SAFE_INTEGER, maxEpochSamples: Number.MAX_SAFE_INTEGER };

/**
 * The summary of an accepted job's model, built and estimated against its dataset as POST /v1/jobs
 * did; a spec that no longer passes that check answers the check's own coded 4xx.
 */
async function jobSummary(app: FastifyInstance, tenant: string, jobId: string, spec: JobSpec): Promise<ModelSummary> {
  const dataset = await resolveDataset(app.datasets, tenant, spec.dataset).catch((err: unknown) => {
    if (err instanceof ApiError && err.code === 'DATASET_NOT_FOUND') return 'deleted' as const;
    throw err;
  });
  // An upload deleted since the job was accepted: no estimate, and the model must declare its own input shape.
  if (dataset === 'deleted') return summarise(spec, inspectWithoutData(spec, jobId));
  const checked = checkJob(spec, dataset, UNLIMITED);
  return summarise(spec, checked.model, checked.estimate);
}

// An engine error here is the missing input shape the deleted upload used to give; anything else is ours.
function inspectWithoutData(spec: JobSpec, jobId: string): ModelInfo {
  try {
    return inspectModel(spec.model);
  } catch (err) {
    if (!(err instanceof NnError)) throw err;
    const { id } = spec.dataset as { id: string };
    throw new ApiError(
      'DATASET_NOT_FOUND',
      `No dataset ${id} (job ${jobId} was trained on it; it has since been deleted): ${err.message}`,
      { id },
    );
  }
}

/** `GET /v1/jobs/:id/summary`: the model's layers, shapes and parameter counts, built from the spec (no weights). */
export const summaryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/jobs/:id/summary',
    {
      schema: {
        operationId: 'getJobModelSummary',
        summary: "A job's model summary",
        description:
          "The layers of the job's model in the order they run, with each layer's output shape (batch axis first, null), " +
          "parameter count and, where the spec sets them, units, filters and activation; like Keras's `model.summary()`. " +
          'Built from the spec without allocating weights, so it answers for a job in any status. Each layer carries its ' +
          "share of the job's resource estimate (activation_bytes at the batch size, flops_per_sample) and the summary the " +
          'estimate itself, as POST /v1/jobs computed it. When the model declares ' +
          "no input shape, the dataset's sample shape is used, as at submission. An unknown job (or another tenant's) is a 404.",
        tags: ['jobs'],
        params: JobParams,
        response: { 200: ModelSummary, 400: ErrorEnvelope, 404: ErrorEnvelope },
      },
    },
    async (request) => {
      const { id } = request.params;
      const job = await app.jobs.get(request.tenant, id);
      if (!job) throw jobNotFound(id);
      return jobSummary(app, request.tenant, id, job.spec);
    },
  );
};
