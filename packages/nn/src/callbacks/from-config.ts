// Keras callback configs ({class_name, config}) → callback objects, for jobs described in JSON.
import type { Callback } from '../callbacks.js';
import { ConfigReader, isObject, type JsonObject } from '../config/reader.js';
import { NnError } from '../errors.js';
import { EarlyStopping, TerminateOnNaN } from './early-stopping.js';
import { ReduceLROnPlateau } from './learning-rate.js';
import { ModelCheckpoint, type CheckpointSink } from './model-checkpoint.js';
import { checkMode } from './monitor.js';

/** What a JSON config cannot carry. */
export interface CallbackContext {
  /** Where ModelCheckpoint writes; required for ModelCheckpoint configs. */
  checkpointSink?: CheckpointSink;
}

// Keras options we accept and ignore: console output and file paths have no meaning here.
const IGNORED = ['verbose', 'filepath'];

function reader(config: JsonObject, path: string, known: readonly string[]): ConfigReader {
  const r = new ConfigReader(config, `${path}/config`, {}, 'SPEC_INVALID_FIT_CONFIG');
  for (const key of Object.keys(config))
    if (!known.includes(key) && !IGNORED.includes(key)) r.fail(key, `unknown callback option "${key}"`);
  return r;
}

const optional = (r: ConfigReader, key: string): number | undefined =>
  r.has(key) ? r.number(key, undefined) : undefined;

const BUILDERS: Record<
  string,
  (r: (known: readonly string[]) => ConfigReader, ctx: CallbackContext, path: string) => Callback
> = {
  EarlyStopping: (read) => {
    const r = read([
      'monitor',
      'min_delta',
      'patience',
      'mode',
      'baseline',
      'restore_best_weights',
      'start_from_epoch',
    ]);
    return new EarlyStopping({
      monitor: r.string('monitor', 'val_loss'),
      minDelta: r.number('min_delta', 0),
      patience: r.number('patience', 0, { integer: true, min: 0 }),
      mode: checkMode(r.string('mode', 'auto'), `${r.path}/mode`),
      baseline: optional(r, 'baseline'),
      restoreBestWeights: r.bool('restore_best_weights', false),
      startFromEpoch: r.number('start_from_epoch', 0, { integer: true, min: 0 }),
    });
  },
  ReduceLROnPlateau: (read) => {
    const r = read(['monitor', 'factor', 'patience', 'mode', 'min_delta', 'cooldown', 'min_lr']);
    return new ReduceLROnPlateau({
      monitor: r.string('monitor', 'val_loss'),
      factor: r.number('factor', 0.1, { above: 0, below: 1 }),
      patience: r.number('patience', 10, { integer: true, min: 0 }),
      mode: checkMode(r.string('mode', 'auto'), `${r.path}/mode`),
      minDelta: r.number('min_delta', 1e-4, { min: 0 }),
      cooldown: r.number('cooldown', 0, { integer: true, min: 0 }),
      minLr: r.number('min_lr', 0, { min: 0 }),
    });
  },
  TerminateOnNaN: (read) => {
    read([]);
    return new TerminateOnNaN();
  },
  ModelCheckpoint: (read, ctx, path) => {
    const r = read(['monitor', 'save_best_only', 'save_weights_only', 'mode', 'save_freq', 'initial_value_threshold']);
    if (r.string('save_freq', 'epoch') !== 'epoch') r.fail('save_freq', 'only save_freq "epoch" is supported');
    if (!ctx.checkpointSink)
      throw new NnError('SPEC_INVALID_FIT_CONFIG', 'ModelCheckpoint needs a checkpoint sink from the caller', { path });
    // save_weights_only is accepted: a checkpoint always holds weights plus the state to resume.
    r.bool('save_weights_only', false);
    return new ModelCheckpoint({
      sink: ctx.checkpointSink,
      monitor: r.string('monitor', 'val_loss'),
      saveBestOnly: r.bool('save_best_only', false),
      mode: checkMode(r.string('mode', 'auto'), `${r.path}/mode`),
      initialValueThreshold: optional(r, 'initial_value_threshold'),
    });
  },
};

/** Builds a callback from a Keras `{class_name, config}`; throws SPEC_INVALID_FIT_CONFIG for unknown classes or options. */
export function callbackFromConfig(spec: unknown, ctx: CallbackContext = {}, path = ''): Callback {
  if (!isObject(spec) || typeof spec.class_name !== 'string')
    throw new NnError('SPEC_INVALID_FIT_CONFIG', 'a callback must be {class_name, config}', { path });
  const config = spec.config ?? {};
  if (!isObject(config))
    throw new NnError('SPEC_INVALID_FIT_CONFIG', 'callback config must be an object', { path: `${path}/config` });
  const build = Object.hasOwn(BUILDERS, spec.class_name) ? BUILDERS[spec.class_name] : undefined;
  if (!build) {
    // LearningRateScheduler takes a function, which JSON cannot carry.
    throw new NnError(
      'SPEC_INVALID_FIT_CONFIG',
      `unknown or unsupported callback "${spec.class_name}" (supported: ${Object.keys(BUILDERS).join(', ')})`,
      { path: `${path}/class_name` },
    );
  }
  return build((known) => reader(config, path, known), ctx, path);
}
