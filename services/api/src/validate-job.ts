import { BUILTINS, DataError, fromInline, validateBuiltinOptions } from '@trainyard/data';
import {
  checkCompile,
  checkTargets,
  createMetrics,
  estimateTraining,
  inspectModel,
  NnError,
  type ModelInfo,
  type TrainingEstimate,
} from '@trainyard/nn';
import type { HeadSpec, KerasArg, MetricSpec } from '@trainyard/nn';
import type { JobEstimate, JobSpec } from '@trainyard/contracts';
import { ApiError } from './errors.js';
import { checkFit, loggedNames } from './validate-fit.js';
import { checkIndexInputs } from './validate-indices.js';

/** What the api learns about a job before enqueuing it. */
export interface CheckedJob {
  sampleShape: number[];
  classes: number | undefined;
  params: number;
  /** The model as built against the dataset's sample shape. */
  model: ModelInfo;
  /** The names fit logs at each epoch end (loss, metrics, val_* with validation data). */
  logged: string[];
  /** Peak worker memory and FLOPs the job is estimated to take (see estimateTraining). */
  estimate: TrainingEstimate;
}

/** The service's limits on one job; the resource limits are off when absent. */
export interface JobLimits {
  maxParams: number;
  maxEpochSamples: number;
  /** Largest estimated peak worker memory, bytes (TRAINYARD_MAX_JOB_BYTES). */
  maxJobBytes?: number;
  /** Largest estimated training FLOPs over all epochs (TRAINYARD_MAX_JOB_FLOPS). */
  maxJobFlops?: number;
}

interface DataShape {
  samples: number;
  sampleShape: number[];
  /** Shape of one target: [] for class indices, [k] for rows. */
  targetShape: number[];
  classes: number | undefined;
  /** Samples of a held-out test split the worker also loads and evaluates. */
  testSamples: number;
  /** Bytes the worker's loader holds besides the float32 arrays while converting (see estimateTraining). */
  loadingBytes?: number;
}

/** Engine and data errors name paths inside their own input; make them paths inside the body. */
function under<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const details = (err as { details?: { path?: unknown } }).details;
    if (details && typeof details.path === 'string' && !details.path.startsWith(prefix))
      details.path = `${prefix}${details.path}`;
    else if (details && details.path === undefined) details.path = prefix;
    throw err;
  }
}

/** The shapes of an uploaded dataset, as its record states them. */
export interface StoredDatasetShape {
  samples: number;
  x_shape: number[];
  y_shape: number[];
  classes: number | null;
}

/** The dataset a job's check needs besides its spec: an upload's record, null for built-in and inline data (see resolveDataset). */
export type ResolvedDataset = StoredDatasetShape | null;

function storedShape(ds: { id: string; options?: { test_split?: number } }, rec: ResolvedDataset): DataShape {
  // resolveDataset answers a 404 for an unknown id, so a missing record here is a caller that skipped it.
  if (!rec) throw new Error(`checkJob: dataset ${ds.id} was not resolved`);
  const split = ds.options?.test_split ?? 0;
  const samples = rec.samples - Math.round(rec.samples * split);
  if (samples < 1)
    throw new DataError(
      'DATASET_INVALID_OPTION',
      `test_split ${split} leaves no training samples out of ${rec.samples}`,
      { path: '/dataset/options/test_split' },
    );
  const targetShape = rec.y_shape.slice(1);
  // Regression targets carry no class count; one-hot rows and class indices do.
  // The .npy blobs as fetched (float32), and the copies a test split makes.
  const values =
    rec.samples *
    (rec.x_shape.slice(1).reduce((a, b) => a * b, 1) +
      Math.max(
        1,
        targetShape.reduce((a, b) => a * b, 1),
      ));
  const loadingBytes = values * 4 * (split > 0 ? 2 : 1);
  return {
    samples,
    sampleShape: rec.x_shape.slice(1),
    targetShape,
    classes: targetShape.length === 0 ? (rec.classes ?? undefined) : undefined,
    testSamples: rec.samples - samples,
    loadingBytes,
  };
}

function datasetShape(ds: JobSpec['dataset'], stored: ResolvedDataset): DataShape {
  if ('id' in ds) return storedShape(ds, stored);
  if ('inline' in ds) {
    const data = under('/dataset/inline', () => fromInline(ds.inline));
    return {
      samples: data.x.shape[0],
      sampleShape: data.x.shape.slice(1),
      targetShape: data.y.shape.slice(1),
      classes: data.classes,
      testSamples: 0,
    };
  }
  const info = BUILTINS.find((b) => b.name === ds.builtin);
  if (!info) {
    throw new DataError(
      'DATASET_UNKNOWN_BUILTIN',
      `Unknown built-in dataset "${ds.builtin}"; known: ${BUILTINS.map((b) => b.name).join(', ')}`,
      {
        path: '/dataset/builtin',
      },
    );
  }
  under('/dataset/options', () => validateBuiltinOptions(ds.builtin, ds.options));
  const opt = (name: string): number | undefined => {
    const given = ds.options?.[name];
    return typeof given === 'number' ? given : info.options.find((o) => o.name === name)?.default;
  };
  const sampleShape = ds.builtin === 'blobs' ? [opt('features') ?? info.sampleShape[0]] : info.sampleShape;
  let samples = opt('samples') ?? 0;
  let testSamples = 0;
  let loadingBytes = 0;
  if (ds.builtin === 'fashion-mnist') {
    [samples, testSamples] = [60_000, 10_000];
    // The IDX files' bytes (one per pixel) and their gzip originals (0.56 bytes per pixel) live until all four are converted.
    loadingBytes = Math.round(70_000 * 784 * 1.56);
  }
  // Bundled tables hold a fixed number of rows; their test split leaves the rest for training.
  else if (info.samples !== undefined) {
    samples = info.samples - Math.round(info.samples * (opt('test_split') ?? 0));
    testSamples = info.samples - samples;
  }
  if (info.task === 'regression')
    return { samples, sampleShape, targetShape: [1], classes: undefined, testSamples, loadingBytes };
  return { samples, sampleShape, targetShape: [], classes: opt('classes') ?? info.classes, testSamples, loadingBytes };
}

/**
 * Checks a spec the way the worker will use it — dataset, model shapes against the data,
 * parameter count, loss against the targets — so a bad spec never reaches a worker. Nothing
 * here allocates weights: a model of a trillion parameters is refused as cheaply as any other.
 * `dataset` is what resolveDataset found for the spec's dataset.
 */
export function checkJob(spec: JobSpec, dataset: ResolvedDataset, limits: JobLimits): CheckedJob {
  const data = datasetShape(spec.dataset, dataset);
  const epochSamples = spec.fit.epochs * data.samples;
  if (epochSamples > limits.maxEpochSamples) {
    throw new ApiError(
      'JOB_TOO_LARGE',
      `${spec.fit.epochs} epochs of ${data.samples} samples is ${epochSamples} sample passes; the limit is ${limits.maxEpochSamples}`,
      {
        path: '/fit/epochs',
        epoch_samples: epochSamples,
        limit: limits.maxEpochSamples,
      },
    );
  }
  const info = under('/model', () => inspectModel(spec.model, { inputShape: data.sampleShape }));
  if (info.params > limits.maxParams) {
    throw new ApiError('SPEC_TOO_LARGE', `Model has ${info.params} parameters; the limit is ${limits.maxParams}`, {
      path: '/model',
      params: info.params,
      limit: limits.maxParams,
    });
  }
  checkIndexInputs(info.indexInputs, spec.dataset);
  const heads = checkHead(spec, info, data);
  const split = spec.fit.validation_split ?? 0;
  if (split > 0 && Math.floor(data.samples * (1 - split)) < 1) {
    throw new ApiError(
      'VALIDATION_FAILED',
      `validation_split ${split} leaves no training samples out of ${data.samples}`,
      { path: '/fit/validation_split' },
    );
  }
  // Rows of k > 1 targets (inline one-hot) weigh by their argmax, as Keras's class_weight does.
  const rowWidth = data.targetShape.length === 1 && data.targetShape[0] > 1 ? data.targetShape[0] : undefined;
  checkFit(spec.fit, { compile: spec.compile, heads, classes: data.classes ?? rowWidth });
  const estimate = estimateJob(
    spec,
    data,
    heads.flatMap((h) => h.metrics),
  );
  checkResources(spec, estimate, limits);
  return {
    sampleShape: data.sampleShape,
    classes: data.classes,
    params: info.params,
    model: info,
    logged: loggedNames(spec.fit, heads),
    estimate,
  };
}

/** Compile against the model's one output and the data's targets: loss, its units, metrics. */
function checkHead(spec: JobSpec, info: ModelInfo, data: DataShape): HeadSpec[] {
  // The schema admits Keras's multi-output forms (loss, loss_weights and metrics as lists or
  // objects keyed by output); whether they fit this model is checkCompile's call, not the api's.
  const heads = checkCompile(
    spec.compile,
    '/compile',
    info.outputs.map((o) => o.name),
  );
  if (heads.length !== 1) {
    throw new NnError(
      'SPEC_SHAPE_MISMATCH',
      `The model has ${heads.length} outputs (${info.outputs.map((o) => o.name).join(', ')}) but a dataset gives one target per sample`,
      {
        path: '/model',
        outputs: info.outputs.map((o) => o.name),
      },
    );
  }
  const { loss, metrics } = heads[0];
  const last = info.layers[info.layers.length - 1];
  const units = info.outputShape[info.outputShape.length - 1];
  if (
    loss.name.endsWith('categorical_crossentropy') &&
    data.classes !== undefined &&
    data.targetShape.length === 0 &&
    units !== data.classes
  ) {
    throw new NnError(
      'SPEC_SHAPE_MISMATCH',
      `Output layer "${last?.name}" gives [null, ${units}] but the dataset has ${data.classes} classes: ${loss.name} needs ${data.classes} units`,
      { path: '/model', layer: last?.name, output_shape: [null, ...info.outputShape], classes: data.classes },
    );
  }
  under('/compile/loss', () => checkTargets(loss, [1, ...info.outputShape], [1, ...data.targetShape]));
  // Metrics meet the targets only in fit; trackers are a few small arrays, so build them here (top-k needs one-hot targets, …).
  under('/compile/metrics', () => createMetrics(metrics, info.outputShape, data.targetShape));
  return heads;
}

// The worker holds the whole dataset as float32 (x and y, training and test splits) and trains on
// the part validation_split leaves; see estimateTraining for the rest.
function estimateJob(spec: JobSpec, data: DataShape, metrics: MetricSpec[]): TrainingEstimate {
  const split = spec.fit.validation_split ?? 0;
  const trainSamples = split > 0 ? Math.floor(data.samples * (1 - split)) : data.samples;
  return estimateTraining(spec.model, {
    inputShape: data.sampleShape,
    optimizer: spec.compile.optimizer as KerasArg,
    metrics,
    batchSize: spec.fit.batch_size ?? 32,
    trainSamples,
    validationSamples: data.samples - trainSamples,
    testSamples: data.testSamples,
    targetSize: data.targetShape.reduce((a, b) => a * b, 1),
    ...(data.loadingBytes !== undefined && { loadingBytes: data.loadingBytes }),
  });
}

/** The estimate as the job record keeps it. */
export function jobEstimate(e: TrainingEstimate): JobEstimate {
  return { memory_bytes: e.memoryBytes, flops_per_epoch: e.flopsPerEpoch, params: e.params };
}

/** The estimate as refusals show it: the total, its parts and the layers that take the most. */
export function estimateDetails(e: TrainingEstimate, topLayers = 5): Record<string, unknown> {
  const top = [...e.layers].sort((a, b) => b.activationBytes - a.activationBytes).slice(0, topLayers);
  return {
    memory_bytes: e.memoryBytes,
    flops_per_epoch: e.flopsPerEpoch,
    params: e.params,
    bytes: e.bytes,
    top_layers: top.map((l) => ({
      layer: l.layer,
      class_name: l.className,
      activation_bytes: l.activationBytes,
      params: l.params,
      flops_per_sample: l.flopsPerSample,
    })),
  };
}

// The spec field that sets each part of the estimate, for the refusal's path.
const PART_PATHS: Record<string, string> = {
  activations: '/fit/batch_size',
  batch: '/fit/batch_size',
  evaluation: '/fit/batch_size',
  metrics: '/compile/metrics',
  dataset: '/dataset',
  loading: '/dataset',
};

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

function checkResources(spec: JobSpec, e: TrainingEstimate, limits: JobLimits): void {
  if (limits.maxJobBytes !== undefined && e.memoryBytes > limits.maxJobBytes) {
    const [largest] = Object.entries(e.bytes).sort((a, b) => b[1] - a[1]);
    throw new ApiError(
      'JOB_MEMORY_TOO_LARGE',
      `Training this job would take about ${gib(e.memoryBytes)} of worker memory (most of it ${largest![0]}: ${gib(largest![1])}); the limit is ${gib(limits.maxJobBytes)}. Lower batch_size or the layer sizes, or train on less data`,
      { path: PART_PATHS[largest![0]] ?? '/model', estimate: estimateDetails(e), limit: limits.maxJobBytes },
    );
  }
  const total = e.flopsPerEpoch * Math.max(0, spec.fit.epochs - (spec.fit.initial_epoch ?? 0));
  if (limits.maxJobFlops !== undefined && total > limits.maxJobFlops) {
    throw new ApiError(
      'JOB_COMPUTE_TOO_LARGE',
      `Training this job would take about ${total.toExponential(2)} FLOPs; the limit is ${limits.maxJobFlops.toExponential(2)}`,
      {
        path: '/fit/epochs',
        estimate: estimateDetails(e),
        flops: total,
        limit: limits.maxJobFlops,
      },
    );
  }
}
