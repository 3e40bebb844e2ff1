import type { Tensor } from '@trainyard/tensor';
import type { Model } from './model/model.js';

/** Metric values by name, e.g. { loss, accuracy, val_loss, val_accuracy }. */
export type Logs = Record<string, number>;

/** Per-epoch logs returned by fit. */
export interface History {
  epoch: number[];
  history: Record<string, number[]>;
  /** True when fit stopped because its AbortSignal fired (the unfinished epoch is not logged). */
  aborted?: boolean;
}

/** Training hooks (TF.js names); each may be async and is awaited. */
export interface Callback {
  /** Called by fit before onTrainBegin with the model being trained (Keras `set_model`). */
  setModel?(model: Model): void;
  onTrainBegin?(): void | Promise<void>;
  onEpochBegin?(epoch: number): void | Promise<void>;
  /** logs: { batch, size, loss, accuracy? } — the loss before this batch's update. */
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  /** logs: { loss, accuracy?, val_loss?, val_accuracy? }. */
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  /** What the callback carries from one epoch to the next, for a checkpoint (see io/checkpoint.ts). */
  state?(): CallbackState;
  /** Puts back a state(): the next fit continues from it instead of starting the callback fresh. */
  restore?(state: CallbackState): void;
}

/**
 * A callback's state between epochs: JSON-safe numbers (null for "none yet", e.g. an infinite
 * best) and, when it keeps weights of its own (EarlyStopping's best weights), those tensors.
 */
export interface CallbackState {
  values: Record<string, number | null>;
  weights?: Tensor[];
}
