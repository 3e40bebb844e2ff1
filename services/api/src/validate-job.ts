import { BUILTINS, fromInline, validateBuiltinOptions } from '@trainyard/data';
import { inspectModel } from '@trainyard/nn';
import type { JobSpec } from '@trainyard/contracts';
import { ApiError } from './errors.js';

/** What the api learns about a job before enqueuing it. */
export interface CheckedJob {
  sampleShape: number[];
  classes: number | undefined;
  params: number;
}

const CLASSIFICATION_LOSSES = new Set(['sparse_categorical_crossentropy', 'categorical_crossentropy']);

function lossName(loss: JobSpec['compile']['loss']): string {
  const raw = typeof loss === 'string' ? loss : loss.class_name;
  // Keras class names (SparseCategoricalCrossentropy) and function names are both accepted.
  return raw.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function datasetShape(spec: JobSpec): { sampleShape: number[]; classes: number | undefined; samples: number } {
  const ds = spec.dataset;
  if ('builtin' in ds) {
    const info = BUILTINS.find((b) => b.name === ds.builtin);
    if (!info) {
      throw new ApiError('DATASET_UNKNOWN_BUILTIN', `Unknown built-in dataset "${ds.builtin}"; known: ${BUILTINS.map((b) => b.name).join(', ')}`, {
        path: '/dataset/builtin',
      });
    }
    validateBuiltinOptions(ds.builtin, ds.options);
    const opts = (ds.options ?? {}) as Record<string, unknown>;
    const sampleShape = ds.builtin === 'blobs' && typeof opts.features === 'number' ? [opts.features] : info.sampleShape;
    const classes = typeof opts.classes === 'number' ? opts.classes : info.classes;
    const samples = typeof opts.samples === 'number' ? opts.samples : 1;
    return { sampleShape, classes, samples };
  }
  const data = fromInline(ds.inline);
  return { sampleShape: data.x.shape.slice(1), classes: data.classes, samples: data.x.shape[0] ?? 0 };
}

/**
 * Checks a spec the way the worker will use it — dataset, model shapes against the data,
 * parameter count, output width against the classes — so a bad spec never reaches a worker.
 */
export function checkJob(spec: JobSpec, limits: { maxParams: number }): CheckedJob {
  const { sampleShape, classes, samples } = datasetShape(spec);
  const info = inspectModel(spec.model, { inputShape: sampleShape });
  if (info.params > limits.maxParams) {
    throw new ApiError('SPEC_TOO_LARGE', `Model has ${info.params} parameters; the limit is ${limits.maxParams}`, {
      path: '/model',
      params: info.params,
      limit: limits.maxParams,
    });
  }
  const loss = lossName(spec.compile.loss);
  const units = info.outputShape[info.outputShape.length - 1];
  if (CLASSIFICATION_LOSSES.has(loss) && classes !== undefined && units !== classes) {
    const last = info.layers[info.layers.length - 1];
    throw new ApiError(
      'SPEC_SHAPE_MISMATCH',
      `Output layer "${last?.name}" gives [null, ${units}] but the dataset has ${classes} classes; ${loss} needs ${classes} units`,
      { path: '/model', layer: last?.name, output_shape: info.outputShape, classes },
    );
  }
  const split = spec.fit.validation_split ?? 0;
  if (split > 0 && Math.floor(samples * (1 - split)) < 1) {
    throw new ApiError('VALIDATION_FAILED', `validation_split ${split} leaves no training samples out of ${samples}`, { path: '/fit/validation_split' });
  }
  return { sampleShape, classes, params: info.params };
}
