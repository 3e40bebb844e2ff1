import { formatShape, Tensor } from '@trainyard/tensor';
import { ConfigReader, type JsonObject } from '../config/reader.js';
import { NnError } from '../errors.js';

// Keras optimizer kwargs that we accept only at their "off" value.
const OFF_KEYS = ['weight_decay', 'clipnorm', 'clipvalue', 'global_clipnorm', 'use_ema', 'loss_scale_factor', 'gradient_accumulation_steps'];
const IGNORED_KEYS = ['name', 'ema_momentum', 'ema_overwrite_frequency', 'jit_compile', 'is_legacy_optimizer', 'decay'];

/** Reads an optimizer config: rejects unknown keys and unsupported features, with paths. */
export function optimizerReader(config: JsonObject, path: string, known: readonly string[]): ConfigReader {
  const r = new ConfigReader(config, path, {}, 'SPEC_INVALID_OPTIMIZER_CONFIG');
  for (const key of Object.keys(config)) {
    if (!known.includes(key) && !OFF_KEYS.includes(key) && !IGNORED_KEYS.includes(key) && key !== 'learning_rate' && key !== 'lr') {
      r.fail(key, `unknown optimizer option "${key}"`);
    }
  }
  r.unsupported(OFF_KEYS, 'optimizer');
  if (r.has('decay') && r.config.decay !== 0) r.fail('decay', 'decay is not supported yet');
  return r;
}

/** Reads learning_rate (or Keras 2's `lr`), rejecting schedules. */
export function readLearningRate(r: ConfigReader, fallback: number): number {
  const key = r.config.learning_rate === undefined && r.config.lr !== undefined ? 'lr' : 'learning_rate';
  if (typeof r.config[key] === 'object' && r.config[key] !== null) r.fail(key, 'learning-rate schedules are not supported yet');
  return r.number(key, fallback, { above: 0 });
}

/**
 * Base optimizer: per-parameter state ("slots") plus an iteration counter, updated in place.
 * Subclasses implement one parameter's update with the exact Keras 3 equations.
 */
export abstract class Optimizer {
  abstract readonly className: string;
  iterations = 0;
  protected slots: Float32Array[][] = [];

  constructor(public learningRate: number) {}

  /** Slot names per parameter, e.g. ['m', 'v'] for Adam. */
  protected abstract slotNames(): string[];

  /** Updates one parameter in place; `t` is the 1-based step. */
  protected abstract update(index: number, w: Float32Array, g: Float32Array, t: number): void;

  /** Keras config with defaults written out. */
  abstract getConfig(): JsonObject;

  /** Allocates zeroed slots for `params`. */
  build(params: readonly Tensor[]): void {
    this.slots = this.slotNames().map(() => params.map((p) => new Float32Array(p.size)));
  }

  /** One step over `params` using their `.grad` (parameters without a gradient are left alone). */
  apply(params: readonly Tensor[]): void {
    if (this.slots.length > 0 && this.slots[0].length !== params.length) this.build(params);
    const t = this.iterations + 1;
    this.beginStep(t);
    params.forEach((p, i) => {
      if (p.grad) this.update(i, p.data, p.grad.data, t);
    });
    this.iterations = t;
  }

  /** Hook for per-step scalars (bias corrections). */
  protected beginStep(_t: number): void {}

  /** State for checkpoints: the iteration count as a scalar, then each slot per parameter. */
  getWeights(): Tensor[] {
    const out = [new Tensor(new Float32Array([this.iterations]), [])];
    for (const slot of this.slots) for (const s of slot) out.push(new Tensor(s.slice(), [s.length]));
    return out;
  }

  /** Restores state from `getWeights()`. */
  setWeights(weights: readonly Tensor[]): void {
    const expected = 1 + this.slots.reduce((n, s) => n + s.length, 0);
    if (weights.length !== expected) throw new NnError('SPEC_SHAPE_MISMATCH', `optimizer state has ${expected} tensors, got ${weights.length}`);
    let k = 1;
    for (const slot of this.slots) {
      for (const s of slot) {
        if (weights[k].size !== s.length) throw new NnError('SPEC_SHAPE_MISMATCH', `optimizer slot ${k} expects ${s.length} values, got ${formatShape(weights[k].shape)}`);
        s.set(weights[k++].data);
      }
    }
    this.iterations = weights[0].item();
  }
}
