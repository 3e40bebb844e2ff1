// `trainyard train`: a job body from a model file, an optional full spec file and flags.
import { readFile } from 'node:fs/promises';

/** A mistake in the command line or its files: exit 2, with the message. */
export class UsageError extends Error {}

export interface TrainFlags {
  spec?: string;
  dataset?: string;
  'dataset-option'?: string[];
  epochs?: string;
  'batch-size'?: string;
  optimizer?: string;
  'learning-rate'?: string;
  loss?: string;
  metrics?: string;
  'validation-split'?: string;
  seed?: string;
}

/** How the api describes a dataset, enough to pick a default loss and metrics. */
export type DatasetTask = 'classification' | 'regression' | undefined;

type Json = Record<string, unknown>;

export function int(flag: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${flag} must be an integer of at least ${min}, got "${raw}"`);
  return n;
}

function float(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${flag} must be a number from ${min} to ${max}, got "${raw}"`);
  return n;
}

export async function readJson(path: string, what: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read the ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Json;
  } catch (err) {
    throw new UsageError(`the ${what} ${path} is not a JSON object: ${(err as Error).message}`);
  }
}

/**
 * A model file is a Keras config (`model.to_json()`: `{ class_name, config }`), a TF.js model.json
 * (its `modelTopology` is used, so a downloaded model trains again) or a whole job body (`model`).
 */
export function modelFrom(file: Json, path: string): Json {
  const candidate = (file.modelTopology as Json | undefined)?.model_config ?? file.modelTopology ?? file.model ?? file;
  if (typeof (candidate as Json).class_name !== 'string')
    throw new UsageError(`${path} holds no Keras model config (an object with "class_name" and "config")`);
  return candidate as Json;
}

/** "builtin-name" or "ds_…" (an uploaded dataset), with `--dataset-option k=v` for a built-in's options. */
export function datasetFrom(name: string, options: string[] = []): Json {
  if (name.startsWith('ds_')) {
    if (options.length) throw new UsageError('--dataset-option applies to built-in datasets, not to an uploaded one');
    return { id: name };
  }
  const opts: Record<string, number> = {};
  for (const o of options) {
    const m = /^([a-z_]+)=(.+)$/.exec(o);
    if (!m || !Number.isFinite(Number(m[2])))
      throw new UsageError(`--dataset-option takes name=number, e.g. samples=1000, got "${o}"`);
    opts[m[1]] = Number(m[2]);
  }
  return Object.keys(opts).length ? { builtin: name, options: opts } : { builtin: name };
}

/**
 * The job body: the spec file (if any), then the model file, then each flag on top. Without a spec
 * file, compile defaults to Adam with the loss and metrics the dataset's task calls for.
 */
export function buildSpec(base: Json | undefined, model: Json | undefined, flags: TrainFlags, task: DatasetTask): Json {
  const spec: Json = structuredClone(base ?? {});
  if (model) spec.model = model;
  if (!spec.model) throw new UsageError('a model is needed: trainyard train MODEL.json …, or --spec with a "model"');
  if (flags.dataset) spec.dataset = datasetFrom(flags.dataset, flags['dataset-option']);
  else if (flags['dataset-option']?.length) throw new UsageError('--dataset-option needs --dataset');
  if (!spec.dataset)
    throw new UsageError(
      'a dataset is needed: --dataset NAME (a built-in such as spirals or fashion-mnist, or an uploaded ds_… id)',
    );

  const compile: Json = { ...((spec.compile as Json | undefined) ?? {}) };
  if (flags.optimizer || flags['learning-rate'] || compile.optimizer === undefined) {
    const current = compile.optimizer;
    const name =
      flags.optimizer ??
      (typeof current === 'string' ? current : ((current as Json | undefined)?.class_name as string | undefined)) ??
      'adam';
    const lr = float('learning-rate', flags['learning-rate'], 0, 10);
    compile.optimizer = lr === undefined ? name : { class_name: name, config: { learning_rate: lr } };
  }
  const regression = task === 'regression';
  if (flags.loss) compile.loss = flags.loss;
  else if (compile.loss === undefined)
    compile.loss = regression ? 'mean_squared_error' : 'sparse_categorical_crossentropy';
  if (flags.metrics !== undefined)
    compile.metrics = flags.metrics
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean);
  else if (compile.metrics === undefined) compile.metrics = regression ? [] : ['accuracy'];
  spec.compile = compile;

  const fit: Json = { ...((spec.fit as Json | undefined) ?? {}) };
  const epochs = int('epochs', flags.epochs, 1);
  if (epochs !== undefined) fit.epochs = epochs;
  else if (fit.epochs === undefined) fit.epochs = 10;
  const batch = int('batch-size', flags['batch-size'], 1);
  if (batch !== undefined) fit.batch_size = batch;
  const split = float('validation-split', flags['validation-split'], 0, 0.99);
  if (split !== undefined) fit.validation_split = split;
  spec.fit = fit;

  const seed = int('seed', flags.seed, 0);
  if (seed !== undefined) spec.seed = seed;
  return spec;
}
