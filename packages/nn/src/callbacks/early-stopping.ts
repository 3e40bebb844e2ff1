import type { Tensor } from '@trainyard/tensor';
import type { Callback, CallbackState, Logs } from '../callbacks.js';
import { NnError } from '../errors.js';
import { checkMode, isMaximised, ModelCallback, monitored, type MonitorMode } from './monitor.js';

/** Options of EarlyStopping (Keras names in camelCase, Keras defaults). */
export interface EarlyStoppingOptions {
  /** Default 'val_loss'. */
  monitor?: string;
  /** Smallest change that counts as an improvement (absolute value is used); default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping; default 0. */
  patience?: number;
  mode?: MonitorMode;
  /** Training stops unless the monitored value beats this (patience still applies). */
  baseline?: number;
  /** At the end of training, put back the weights of the best epoch; default false. */
  restoreBestWeights?: boolean;
  /** Epochs to wait before watching for improvement; default 0. */
  startFromEpoch?: number;
}

/** Keras 3 EarlyStopping: stops fit when the monitored value stops improving. */
export class EarlyStopping extends ModelCallback implements Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: MonitorMode;
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  /** Epoch at which training was stopped, 0 when it ran to the end (Keras's convention). */
  stoppedEpoch = 0;
  bestEpoch = 0;
  best: number | undefined;
  private wait = 0;
  private bestWeights: Tensor[] | null = null;
  // Set by restore(): the next onTrainBegin keeps the restored state instead of resetting it.
  private restored = false;

  constructor(o: EarlyStoppingOptions = {}) {
    super();
    this.monitor = o.monitor ?? 'val_loss';
    this.minDelta = Math.abs(o.minDelta ?? 0);
    this.patience = o.patience ?? 0;
    this.mode = checkMode(o.mode ?? 'auto', '/mode');
    this.baseline = o.baseline;
    this.restoreBestWeights = o.restoreBestWeights ?? false;
    this.startFromEpoch = o.startFromEpoch ?? 0;
  }

  private isImprovement(value: number, reference: number | undefined): boolean {
    if (reference === undefined) return true;
    return isMaximised(this.monitor, this.mode) ? value - this.minDelta > reference : value + this.minDelta < reference;
  }

  onTrainBegin(): void {
    if (this.restored) {
      this.restored = false;
      return;
    }
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = undefined;
    this.bestWeights = null;
    this.bestEpoch = 0;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = monitored(logs, this.monitor);
    if (current === undefined || epoch < this.startFromEpoch) return;
    // Keras keeps the first watched epoch's weights so there is always something to restore.
    if (this.restoreBestWeights && !this.bestWeights) this.bestWeights = this.model.getWeights();
    this.wait++;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.model.getWeights();
      // Patience restarts only when the value beats both the previous best and the baseline.
      if (this.baseline === undefined || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    // Keras 3 restores at the end of training whether or not patience ran out.
    if (this.restoreBestWeights && this.bestWeights) this.model.setWeights(this.bestWeights);
  }

  /** Patience so far, the best value and epoch, whether it stopped training, and the best weights. */
  state(): CallbackState {
    return {
      values: {
        wait: this.wait,
        best: this.best ?? null,
        best_epoch: this.bestEpoch,
        stopped_epoch: this.stoppedEpoch,
      },
      ...(this.bestWeights && { weights: this.bestWeights }),
    };
  }

  restore(state: CallbackState): void {
    const { wait, best, best_epoch, stopped_epoch } = state.values;
    if (
      !isCount(wait) ||
      !isCount(best_epoch) ||
      !isCount(stopped_epoch) ||
      (best !== null && typeof best !== 'number')
    ) {
      throw new NnError(
        'SPEC_INVALID_CHECKPOINT',
        'EarlyStopping state must hold wait, best, best_epoch and stopped_epoch',
        { path: '/callbacks' },
      );
    }
    this.wait = wait;
    this.best = best ?? undefined;
    this.bestEpoch = best_epoch;
    this.stoppedEpoch = stopped_epoch;
    this.bestWeights = state.weights ?? null;
    this.restored = true;
  }
}

const isCount = (v: number | null | undefined): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Keras TerminateOnNaN: stops fit after a batch whose loss is NaN or infinite. */
export class TerminateOnNaN extends ModelCallback implements Callback {
  /** Batch at which training was terminated, or null. */
  terminatedAt: number | null = null;

  onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (typeof loss === 'number' && !Number.isFinite(loss)) {
      this.terminatedAt = batch;
      this.model.stopTraining = true;
    }
  }
}
