import { contiguousData, formatShape, Tensor } from '@trainyard/tensor';
import { ConfigReader, isObject, type JsonObject } from '../config/reader.js';
import { NnError } from '../errors.js';
import { parseSchedule, type LearningRateSchedule } from './schedules.js';

// Keras optimizer kwargs that we accept only at their "off" value.
const OFF_KEYS = ['use_ema', 'loss_scale_factor', 'gradient_accumulation_steps'];
const IGNORED_KEYS = ['name', 'ema_momentum', 'ema_overwrite_frequency', 'jit_compile', 'is_legacy_optimizer', 'decay'];
const COMMON_KEYS = ['learning_rate', 'lr', 'weight_decay', 'clipnorm', 'clipvalue', 'global_clipnorm'];

/** Options every Keras 3 optimizer takes (learning rate or schedule, decoupled weight decay, clipping). */
export interface CommonOptions {
  learningRate: number;
  schedule: LearningRateSchedule | null;
  weightDecay: number | null;
  clipnorm: number | null;
  clipvalue: number | null;
  globalClipnorm: number | null;
}

/** Reads an optimizer config: rejects unknown keys and unsupported features, with paths. */
export function optimizerReader(config: JsonObject, path: string, known: readonly string[]): ConfigReader {
  const r = new ConfigReader(config, path, {}, 'SPEC_INVALID_OPTIMIZER_CONFIG');
  for (const key of Object.keys(config)) {
    if (!known.includes(key) && !OFF_KEYS.includes(key) && !IGNORED_KEYS.includes(key) && !COMMON_KEYS.includes(key))
      r.fail(key, `unknown optimizer option "${key}"`);
  }
  r.unsupported(OFF_KEYS, 'optimizer');
  if (r.has('decay') && r.config.decay !== 0) r.fail('decay', 'decay is not supported (use a learning-rate schedule)');
  return r;
}

/** Reads learning_rate (number, schedule, or Keras 2's `lr`), weight_decay and the clipping options. */
export function readCommon(
  r: ConfigReader,
  lrFallback: number,
  weightDecayFallback: number | null = null,
): CommonOptions {
  const key = r.config.learning_rate === undefined && r.config.lr !== undefined ? 'lr' : 'learning_rate';
  const raw = r.config[key];
  const schedule = isObject(raw) ? parseSchedule(raw, `${r.path}/${key}`) : null;
  const learningRate = schedule ? schedule.at(0) : r.number(key, lrFallback, { above: 0 });
  const optional = (k: string, fallback: number | null = null): number | null =>
    r.has(k) ? r.number(k, undefined, { min: 0 }) : fallback;
  const clipnorm = optional('clipnorm');
  const clipvalue = optional('clipvalue');
  const globalClipnorm = optional('global_clipnorm');
  // Keras 3 raises the same way: the three clipping modes are exclusive.
  if ([clipnorm, clipvalue, globalClipnorm].filter((v) => v !== null).length > 1)
    r.fail('clipnorm', 'only one of clipnorm, clipvalue and global_clipnorm can be set');
  return {
    learningRate,
    schedule,
    weightDecay: optional('weight_decay', weightDecayFallback),
    clipnorm,
    clipvalue,
    globalClipnorm,
  };
}

/**
 * Base optimizer: per-parameter state ("slots") plus an iteration counter, updated in place.
 * `apply` does what Keras 3's `BaseOptimizer.apply` does — clip gradients, decay weights
 * (w ← w − η·wd·w), then the subclass's update with the exact Keras 3 equations.
 */
export abstract class Optimizer {
  abstract readonly className: string;
  iterations = 0;
  /** Base learning rate (the schedule's value at step 0 when there is a schedule). */
  learningRate: number;
  readonly schedule: LearningRateSchedule | null;
  readonly weightDecay: number | null;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  protected slots: Float32Array[][] = [];
  /** Learning rate of the step being applied. */
  protected lr = 0;

  constructor(o: CommonOptions) {
    this.learningRate = o.learningRate;
    this.schedule = o.schedule;
    this.weightDecay = o.weightDecay;
    this.clipnorm = o.clipnorm;
    this.clipvalue = o.clipvalue;
    this.globalClipnorm = o.globalClipnorm;
  }

  /** Slot names per parameter, e.g. ['m', 'v'] for Adam. */
  protected abstract slotNames(): string[];

  /** Updates one parameter in place; `t` is the 1-based step, `this.lr` the step's learning rate. */
  protected abstract update(index: number, w: Float32Array, g: Float32Array, t: number): void;

  /** Keras config with defaults written out. */
  abstract getConfig(): JsonObject;

  /** Initial value of a slot (Adagrad's accumulator starts at 0.1). */
  protected slotInit(_name: string): number {
    return 0;
  }

  /** Learning rate for the next step: the schedule at `iterations`, else the constant rate. */
  currentLearningRate(): number {
    return this.schedule ? this.schedule.at(this.iterations) : this.learningRate;
  }

  /** Arrays of state the optimizer keeps per parameter (Adam 2, momentum SGD 1), known before `build`. */
  get slotsPerParam(): number {
    return this.slotNames().length;
  }

  /** Allocates slots for `params`. */
  build(params: readonly Tensor[]): void {
    this.slots = this.slotNames().map((name) => params.map((p) => new Float32Array(p.size).fill(this.slotInit(name))));
  }

  /** One step over `params` using their `.grad` (parameters without a gradient are left alone). */
  apply(params: readonly Tensor[]): void {
    if (this.slots.length === 0 || this.slots[0].length !== params.length) this.build(params);
    const t = this.iterations + 1;
    this.lr = this.currentLearningRate();
    const grads = this.clip(params.map((p) => (p.grad ? contiguousData(p.grad) : null)));
    this.beginStep(t);
    const decay = this.weightDecay ? this.lr * this.weightDecay : 0;
    params.forEach((p, i) => {
      const g = grads[i];
      if (!g) return;
      const w = p.data;
      if (decay !== 0) for (let j = 0; j < w.length; j++) w[j] -= w[j] * decay;
      this.update(i, w, g, t);
    });
    this.iterations = t;
  }

  // Keras 3 `_clip_gradients`: per-variable norm, else global norm, else element-wise value.
  private clip(grads: (Float32Array | null)[]): (Float32Array | null)[] {
    const sq = (g: Float32Array): number => g.reduce((s, v) => s + v * v, 0);
    const scale = (g: Float32Array, f: number): Float32Array => (f === 1 ? g : g.map((v) => v * f));
    if (this.clipnorm !== null && this.clipnorm > 0) {
      const c = this.clipnorm;
      return grads.map((g) => g && scale(g, c / Math.max(Math.sqrt(sq(g)), c)));
    }
    if (this.globalClipnorm !== null && this.globalClipnorm > 0) {
      const c = this.globalClipnorm;
      const norm = Math.sqrt(grads.reduce((s, g) => s + (g ? sq(g) : 0), 0));
      return grads.map((g) => g && scale(g, c / Math.max(norm, c)));
    }
    if (this.clipvalue !== null && this.clipvalue > 0) {
      const c = this.clipvalue;
      return grads.map((g) => g && g.map((v) => Math.min(c, Math.max(-c, v))));
    }
    return grads;
  }

  /** Hook for per-step scalars (bias corrections). */
  protected beginStep(_t: number): void {}

  /** The options shared by every optimizer, Keras names; unset clipping/decay options are left out. */
  protected commonConfig(): JsonObject {
    const out: JsonObject = { learning_rate: this.schedule ? this.schedule.toJSON() : this.learningRate };
    if (this.weightDecay !== null) out.weight_decay = this.weightDecay;
    if (this.clipnorm !== null) out.clipnorm = this.clipnorm;
    if (this.clipvalue !== null) out.clipvalue = this.clipvalue;
    if (this.globalClipnorm !== null) out.global_clipnorm = this.globalClipnorm;
    return out;
  }

  /** State for checkpoints: the iteration count as a scalar, then each slot per parameter. */
  getWeights(): Tensor[] {
    const out = [new Tensor(new Float32Array([this.iterations]), [])];
    for (const slot of this.slots) for (const s of slot) out.push(new Tensor(s.slice(), [s.length]));
    return out;
  }

  /** Restores state from `getWeights()`. */
  setWeights(weights: readonly Tensor[]): void {
    const expected = 1 + this.slots.reduce((n, s) => n + s.length, 0);
    if (weights.length !== expected)
      throw new NnError('SPEC_SHAPE_MISMATCH', `optimizer state has ${expected} tensors, got ${weights.length}`);
    let k = 1;
    for (const slot of this.slots) {
      for (const s of slot) {
        if (weights[k].size !== s.length)
          throw new NnError(
            'SPEC_SHAPE_MISMATCH',
            `optimizer slot ${k} expects ${s.length} values, got ${formatShape(weights[k].shape)}`,
          );
        s.set(weights[k++].dataSync());
      }
    }
    this.iterations = weights[0].item();
  }
}
