import { isObject } from '../config/reader.js';
import { NnError } from '../errors.js';
import { parseLoss, type LossSpec } from '../losses.js';
import { parseMetrics, type MetricSpec } from '../metrics.js';
import { parseOptimizer } from '../optimizers/registry.js';

/** A Keras name ('adam', 'mse', 'auc') or serialised object ({class_name, config}). */
export type KerasArg = string | { class_name: string; config?: Record<string, unknown> };

/**
 * Arguments of `compile`, with Keras (snake_case) names. For several outputs, `loss`,
 * `loss_weights` and `metrics` take Keras's forms: one value for every output, a list in output
 * order, or an object keyed by output (layer) name.
 */
export interface CompileArgs {
  optimizer: KerasArg;
  loss: KerasArg | readonly KerasArg[] | Readonly<Record<string, KerasArg>>;
  /** Multiplies each output's loss in the total the model trains on (default 1 each). */
  loss_weights?: readonly number[] | Readonly<Record<string, number>>;
  /** Metrics for every output, a list of lists (per output), or an object keyed by output name. */
  metrics?: readonly (KerasArg | readonly KerasArg[])[] | Readonly<Record<string, KerasArg | readonly KerasArg[]>>;
}

/** What one output trains on: its loss and weight, and the metrics logged for it. */
export interface HeadSpec {
  /** The output layer's name. */
  output: string;
  loss: LossSpec;
  weight: number;
  metrics: MetricSpec[];
  /** Prefix of this output's log names: '' for a single output, else `<output>_` as Keras logs them. */
  prefix: string;
}

function compileError(message: string, path: string): never {
  throw new NnError('SPEC_INVALID_MODEL', message, { path });
}

// One value per output from Keras's three forms; `fallback` fills outputs a dict leaves out (undefined: they are an error).
function perOutput<T>(
  v: unknown,
  outputs: readonly string[],
  path: string,
  what: string,
  isSingle: (v: unknown) => boolean,
  fallback?: T,
): { value: unknown; path: string }[] {
  if (isSingle(v)) return outputs.map(() => ({ value: v, path }));
  if (Array.isArray(v)) {
    if (v.length !== outputs.length)
      compileError(
        `${what} lists ${v.length} entries but the model has ${outputs.length} outputs (${outputs.join(', ')})`,
        path,
      );
    return v.map((value, i) => ({ value, path: `${path}/${i}` }));
  }
  if (isObject(v)) {
    const unknown = Object.keys(v).find((k) => !outputs.includes(k));
    if (unknown !== undefined)
      compileError(
        `${what} names "${unknown}", which is not an output of the model (outputs: ${outputs.join(', ')})`,
        `${path}/${unknown}`,
      );
    return outputs.map((o) => {
      if (v[o] === undefined && fallback === undefined) compileError(`${what} has no entry for output "${o}"`, path);
      return { value: v[o] ?? fallback, path: `${path}/${o}` };
    });
  }
  return compileError(
    `${what} must be a value, a list with one entry per output, or an object keyed by output name`,
    path,
  );
}

const isKerasArg = (v: unknown): boolean => typeof v === 'string' || (isObject(v) && typeof v.class_name === 'string');

/**
 * Resolves compile arguments for a model with `outputs` (output layer names, in order) into one
 * head per output. Allocates nothing; throws NnError with paths under `path`.
 */
export function resolveHeads(c: CompileArgs, outputs: readonly string[], path = ''): HeadSpec[] {
  const losses = perOutput(c.loss, outputs, `${path}/loss`, 'loss', isKerasArg);
  const weights =
    c.loss_weights === undefined
      ? outputs.map(() => ({ value: 1, path: '' }))
      : perOutput(c.loss_weights, outputs, `${path}/loss_weights`, 'loss_weights', () => false, 1);
  // A flat list of metrics applies to every output (Keras 2); a list of lists or a dict is per output.
  const m = c.metrics;
  const nested = Array.isArray(m) && m.some((x) => Array.isArray(x));
  const metrics =
    m === undefined || m === null
      ? outputs.map(() => ({ value: [], path: '' }))
      : nested || isObject(m)
        ? perOutput(m, outputs, `${path}/metrics`, 'metrics', () => false, [])
        : outputs.map(() => ({ value: m, path: `${path}/metrics` }));
  const prefix = outputs.length > 1;
  return outputs.map((output, i) => {
    const w = weights[i];
    if (typeof w.value !== 'number' || !Number.isFinite(w.value) || w.value < 0)
      compileError(
        `loss weight of output "${output}" must be a finite number ≥ 0, got ${JSON.stringify(w.value)}`,
        w.path,
      );
    const mv = metrics[i].value;
    return {
      output,
      loss: parseLoss(losses[i].value, losses[i].path),
      weight: w.value,
      metrics: parseMetrics(isKerasArg(mv) ? [mv] : mv, metrics[i].path),
      prefix: prefix ? `${output}_` : '',
    };
  });
}

/** Keras's log names for these heads: loss, `<output>_loss` per output when there are several, then each metric under its output's prefix. */
export function logNames(heads: readonly HeadSpec[]): string[] {
  const perHead = heads.length > 1 ? heads.map((h) => `${h.prefix}loss`) : [];
  return ['loss', ...perHead, ...heads.flatMap((h) => h.metrics.map((m) => h.prefix + m.name))];
}

/**
 * Checks compile arguments without building the model (no weights, no optimizer state), so a
 * service can refuse an unknown optimizer, loss or metric before queuing. `outputs` are the
 * model's output names (inspectModel reports them). Paths in errors start at `path`.
 */
export function checkCompile(c: CompileArgs, path = '', outputs: readonly string[] = ['output']): HeadSpec[] {
  parseOptimizer(c.optimizer, `${path}/optimizer`);
  return resolveHeads(c, outputs, path);
}
