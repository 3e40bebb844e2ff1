import type { Callback, CallbackState, Logs } from '../callbacks.js';
import { NnError } from '../errors.js';
import type { Model } from '../model/model.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { checkMode, isMaximised, ModelCallback, monitored, type MonitorMode } from './monitor.js';

function configError(message: string, path: string): never {
  throw new NnError('SPEC_INVALID_FIT_CONFIG', message, { path });
}

/** The compiled optimizer, whose rate must be a constant (Keras refuses to overwrite a schedule). */
function constantRateOptimizer(model: Model, who: string): Optimizer {
  const opt = model.requireCompiled().optimizer;
  if (opt.schedule)
    configError(
      `${who} cannot change the learning rate of an optimizer built with a learning-rate schedule`,
      '/callbacks',
    );
  return opt;
}

/** Options of ReduceLROnPlateau (Keras names in camelCase, Keras defaults). */
export interface ReduceLROnPlateauOptions {
  /** Default 'val_loss'. */
  monitor?: string;
  /** new_lr = lr · factor; must be < 1; default 0.1. */
  factor?: number;
  /** Default 10. */
  patience?: number;
  mode?: MonitorMode;
  /** Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again; default 0. */
  cooldown?: number;
  /** Default 0. */
  minLr?: number;
}

/** Keras 3 ReduceLROnPlateau: multiplies the rate by `factor` after `patience` epochs without improvement. */
export class ReduceLROnPlateau extends ModelCallback implements Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly mode: MonitorMode;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  private wait = 0;
  private cooldownCounter = 0;
  private best = Infinity;
  // Set by restore(): the next onTrainBegin keeps the restored state instead of resetting it.
  private restored = false;

  constructor(o: ReduceLROnPlateauOptions = {}) {
    super();
    this.monitor = o.monitor ?? 'val_loss';
    this.factor = o.factor ?? 0.1;
    if (!(this.factor < 1))
      configError(`ReduceLROnPlateau does not support a factor ≥ 1, got ${this.factor}`, '/factor');
    this.patience = o.patience ?? 10;
    this.mode = checkMode(o.mode ?? 'auto', '/mode');
    this.minDelta = o.minDelta ?? 1e-4;
    this.cooldown = o.cooldown ?? 0;
    this.minLr = o.minLr ?? 0;
  }

  private get maximise(): boolean {
    return isMaximised(this.monitor, this.mode);
  }

  onTrainBegin(): void {
    if (this.restored) {
      this.restored = false;
      return;
    }
    this.wait = 0;
    this.cooldownCounter = 0;
    this.best = this.maximise ? -Infinity : Infinity;
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    const opt = constantRateOptimizer(this.model, 'ReduceLROnPlateau');
    // Keras 3 logs the rate this epoch trained with, before any reduction.
    logs.learning_rate = opt.learningRate;
    const current = monitored(logs, this.monitor);
    if (current === undefined) return;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    const better = this.maximise ? current > this.best + this.minDelta : current < this.best - this.minDelta;
    if (better) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter === 0) {
      this.wait++;
      // Keras compares against min_lr in float32.
      if (this.wait >= this.patience && opt.learningRate > Math.fround(this.minLr)) {
        opt.learningRate = Math.max(opt.learningRate * this.factor, this.minLr);
        this.cooldownCounter = this.cooldown;
        this.wait = 0;
      }
    }
  }

  /** Patience and cooldown so far and the best value (null while nothing was seen); the rate itself lives in the optimizer. */
  state(): CallbackState {
    return {
      values: {
        wait: this.wait,
        cooldown_counter: this.cooldownCounter,
        best: Number.isFinite(this.best) ? this.best : null,
      },
    };
  }

  restore(state: CallbackState): void {
    const { wait, cooldown_counter, best } = state.values;
    const count = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
    if (!count(wait) || !count(cooldown_counter) || (best !== null && typeof best !== 'number')) {
      throw new NnError(
        'SPEC_INVALID_CHECKPOINT',
        'ReduceLROnPlateau state must hold wait, cooldown_counter and best',
        { path: '/callbacks' },
      );
    }
    this.wait = wait;
    this.cooldownCounter = cooldown_counter;
    this.best = best ?? (this.maximise ? -Infinity : Infinity);
    this.restored = true;
  }
}

/** Keras LearningRateScheduler: sets the rate at each epoch start to `schedule(epoch, lr)`. */
export class LearningRateScheduler extends ModelCallback implements Callback {
  constructor(readonly schedule: (epoch: number, lr: number) => number) {
    super();
  }

  onEpochBegin(epoch: number): void {
    const opt = constantRateOptimizer(this.model, 'LearningRateScheduler');
    const lr = this.schedule(epoch, opt.learningRate);
    if (typeof lr !== 'number' || !Number.isFinite(lr))
      configError(`the learning-rate schedule returned ${String(lr)} at epoch ${epoch}`, '/callbacks');
    opt.learningRate = lr;
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    logs.learning_rate = this.model.requireCompiled().optimizer.learningRate;
  }
}
