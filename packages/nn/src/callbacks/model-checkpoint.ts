import type { Callback, History, Logs } from '../callbacks.js';
import { saveCheckpoint, type Checkpoint } from '../io/checkpoint.js';
import { checkMode, isMaximised, ModelCallback, monitored, type MonitorMode } from './monitor.js';

/** Receives each checkpoint ModelCheckpoint writes; awaited before training continues. */
export type CheckpointSink = (checkpoint: Checkpoint) => void | Promise<void>;

/** Options of ModelCheckpoint (Keras names in camelCase); the sink replaces Keras's filepath. */
export interface ModelCheckpointOptions {
  sink: CheckpointSink;
  /** Default 'val_loss'. */
  monitor?: string;
  /** Only save when the monitored value improves on the best so far; default false. */
  saveBestOnly?: boolean;
  mode?: MonitorMode;
  /** The value to beat before the first save (Keras initial_value_threshold). */
  initialValueThreshold?: number;
  /** The fit seed recorded for resuming; default the model's seed (fit's default). */
  rngSeed?: number;
  /** History of earlier epochs when resuming, so saved checkpoints carry the whole run. */
  history?: History;
}

/** Keras ModelCheckpoint at epoch ends, writing io/checkpoint.ts checkpoints to a sink. */
export class ModelCheckpoint extends ModelCallback implements Callback {
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  readonly mode: MonitorMode;
  best: number;
  private readonly sink: CheckpointSink;
  private readonly rngSeed: number | undefined;
  private readonly history: History;

  constructor(o: ModelCheckpointOptions) {
    super();
    this.sink = o.sink;
    this.monitor = o.monitor ?? 'val_loss';
    this.saveBestOnly = o.saveBestOnly ?? false;
    this.mode = checkMode(o.mode ?? 'auto', '/mode');
    this.best = o.initialValueThreshold ?? (isMaximised(this.monitor, this.mode) ? -Infinity : Infinity);
    this.rngSeed = o.rngSeed;
    this.history = o.history ? structuredClone(o.history) : { epoch: [], history: {} };
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    this.history.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history.history[k] ??= []).push(v);
    if (this.saveBestOnly) {
      const current = monitored(logs, this.monitor);
      // Keras warns and skips the save when the monitored value is missing.
      if (current === undefined) return;
      const better = isMaximised(this.monitor, this.mode) ? current > this.best : current < this.best;
      if (!better) return;
      this.best = current;
    }
    await this.sink(saveCheckpoint(this.model, { epoch: epoch + 1, history: this.history, rngSeed: this.rngSeed }));
  }
}
