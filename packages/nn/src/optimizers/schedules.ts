import { isObject, ConfigReader, type JsonObject } from '../config/reader.js';

/** A Keras learning-rate schedule: the rate at a 0-based step (the optimizer's `iterations`). */
export interface LearningRateSchedule {
  readonly className: string;
  /** Rate used by the update at `step` (Keras calls the schedule with `iterations` before it increments). */
  at(step: number): number;
  /** `{class_name, config}` as Keras serialises it. */
  toJSON(): JsonObject;
}

const CODE = 'SPEC_INVALID_OPTIMIZER_CONFIG';

function reader(config: unknown, path: string, known: readonly string[]): ConfigReader {
  const cfg = isObject(config) ? config : {};
  const r = new ConfigReader(cfg, `${path}/config`, {}, CODE);
  for (const key of Object.keys(cfg))
    if (!known.includes(key) && key !== 'name') r.fail(key, `unknown schedule option "${key}"`);
  return r;
}

function numberList(r: ConfigReader, key: string): number[] {
  const v = r.config[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x)))
    r.fail(key, `${key} must be a list of numbers`);
  return v as number[];
}

/** lr = initial · rate^(step / decay_steps), the exponent floored when `staircase`. */
function exponentialDecay(config: unknown, path: string): LearningRateSchedule {
  const r = reader(config, path, ['initial_learning_rate', 'decay_steps', 'decay_rate', 'staircase']);
  const initial = r.number('initial_learning_rate', undefined, { above: 0 });
  const steps = r.number('decay_steps', undefined, { above: 0 });
  const rate = r.number('decay_rate', undefined, { above: 0 });
  const staircase = r.bool('staircase', false);
  return {
    className: 'ExponentialDecay',
    at: (step) => initial * rate ** (staircase ? Math.floor(step / steps) : step / steps),
    toJSON: () => ({
      class_name: 'ExponentialDecay',
      config: { initial_learning_rate: initial, decay_steps: steps, decay_rate: rate, staircase },
    }),
  };
}

/** values[0] while step ≤ boundaries[0], values[i] while boundaries[i−1] < step ≤ boundaries[i], then the last value. */
function piecewiseConstantDecay(config: unknown, path: string): LearningRateSchedule {
  const r = reader(config, path, ['boundaries', 'values']);
  const boundaries = numberList(r, 'boundaries');
  const values = numberList(r, 'values');
  if (values.length !== boundaries.length + 1)
    r.fail('values', `values needs ${boundaries.length + 1} entries (one more than boundaries), got ${values.length}`);
  if (values.some((v) => v <= 0)) r.fail('values', 'learning rates must be positive');
  return {
    className: 'PiecewiseConstantDecay',
    at: (step) => {
      const i = boundaries.findIndex((b) => step <= b);
      return values[i === -1 ? boundaries.length : i];
    },
    toJSON: () => ({
      class_name: 'PiecewiseConstantDecay',
      config: { boundaries: [...boundaries], values: [...values] },
    }),
  };
}

/**
 * Keras 3 CosineDecay: optional linear warmup from initial to warmup_target over warmup_steps,
 * then lr·((1−α)·½(1 + cos(π·s/decay_steps)) + α) with s clamped to decay_steps.
 */
function cosineDecay(config: unknown, path: string): LearningRateSchedule {
  const r = reader(config, path, ['initial_learning_rate', 'decay_steps', 'alpha', 'warmup_target', 'warmup_steps']);
  const initial = r.number('initial_learning_rate', undefined, { min: 0 });
  const steps = r.number('decay_steps', undefined, { above: 0 });
  const alpha = r.number('alpha', 0, { min: 0, max: 1 });
  const target = r.has('warmup_target') ? r.number('warmup_target', undefined, { above: 0 }) : null;
  const warmup = r.number('warmup_steps', 0, { min: 0 });
  const decay = (s: number, from: number): number =>
    from * ((1 - alpha) * 0.5 * (1 + Math.cos((Math.PI * s) / steps)) + alpha);
  return {
    className: 'CosineDecay',
    at: (step) => {
      if (target === null) return decay(Math.min(step, steps), initial);
      const s = Math.min(step, steps + warmup);
      return s < warmup ? initial + ((target - initial) * s) / warmup : decay(s - warmup, target);
    },
    toJSON: () => ({
      class_name: 'CosineDecay',
      config: {
        initial_learning_rate: initial,
        decay_steps: steps,
        alpha,
        warmup_target: target,
        warmup_steps: warmup,
      },
    }),
  };
}

/** Schedule classes by Keras class name. */
export const SCHEDULES: Readonly<Record<string, (config: unknown, path: string) => LearningRateSchedule>> = {
  ExponentialDecay: exponentialDecay,
  PiecewiseConstantDecay: piecewiseConstantDecay,
  CosineDecay: cosineDecay,
};

/** Parses `{class_name: 'ExponentialDecay', config: {...}}` found at `path`; throws SPEC_INVALID_OPTIMIZER_CONFIG. */
export function parseSchedule(v: JsonObject, path: string): LearningRateSchedule {
  const make = typeof v.class_name === 'string' ? SCHEDULES[v.class_name] : undefined;
  if (!make) {
    return new ConfigReader(v, path, {}, CODE).fail(
      'class_name',
      `unknown learning-rate schedule ${JSON.stringify(v.class_name)} (supported: ${Object.keys(SCHEDULES).join(', ')})`,
    );
  }
  if (v.config !== undefined && !isObject(v.config))
    new ConfigReader(v, path, {}, CODE).fail('config', 'schedule config must be an object');
  return make(v.config ?? {}, path);
}
