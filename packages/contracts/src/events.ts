import type { JobStatus } from './job.js';

/** Logs as Keras names them: loss, accuracy, val_loss, val_accuracy, … */
export type Logs = Record<string, number>;

/** Why training ended early: an EarlyStopping callback ran out of patience. */
export interface EarlyStop {
  monitor: string;
  best?: number;
  best_epoch?: number;
}

/** What trains a job: WebAssembly SIMD or the TypeScript reference kernels (and why), on how many threads. */
export interface Engine {
  kernels: 'wasm-simd' | 'typescript';
  threads: number;
  simd: boolean;
  reason?: string;
}

/**
 * Events a job's stream carries, in order. Epochs are 1-based as Keras prints them
 * ("Epoch 3/5"). Every stream ends with exactly one terminal event.
 */
export type JobEvent =
  | { type: 'status'; status: JobStatus; attempt: number; worker?: string; engine?: Engine }
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  | { type: 'batch'; epoch: number; batch: number; batches: number; logs: Logs }
  | {
      type: 'epoch';
      epoch: number;
      epochs: number;
      logs: Logs;
      seconds: number;
      samples_per_second: number;
    }
  | {
      type: 'completed';
      metrics: Logs;
      seconds: number;
      /** Last epoch that ran (1-based, as in epoch events); below fit.epochs when a callback stopped training. */
      epoch?: number;
      /** Present when EarlyStopping ended training before fit.epochs: what it watched and the best value (1-based epoch) it saw. */
      stopped_early?: EarlyStop;
      /** The trained model (TF.js layers model.json, weights.bin next to it) and its predict endpoint. */
      links?: { model: string; predict: string };
    }
  /**
   * A checkpoint of the model after `epoch` is stored; a retried attempt resumes from the latest one.
   * `batch` is set only on the checkpoint a cancel or timeout stores mid-epoch: the weights also
   * hold that many batches of epoch `epoch + 1` (such a checkpoint is kept, never resumed from).
   */
  | { type: 'checkpoint'; epoch: number; bytes: number; batch?: number }
  /**
   * A retried attempt (its worker crashed, stalled or shut down) restored the checkpoint of epoch
   * `from_epoch` and trains on from there. Epochs the stream already reported are not reported
   * again: the next epoch event is the first one not yet seen.
   */
  | { type: 'resumed'; from_epoch: number }
  /** JOB_TIMEOUT failures say where their checkpoint stands, as `cancelled` does. */
  | { type: 'failed'; error: { code: string; message: string }; checkpoint_epoch?: number; checkpoint_batch?: number }
  /**
   * The job stopped at a cancel. `checkpoint_epoch` is set when the stored checkpoint holds the work
   * done: every epoch up to it, plus `checkpoint_batch` batches of the next one when it stopped mid-epoch.
   */
  | { type: 'cancelled'; reason?: string; checkpoint_epoch?: number; checkpoint_batch?: number };

export type JobEventType = JobEvent['type'];
export const TERMINAL_EVENTS: readonly JobEventType[] = ['completed', 'failed', 'cancelled'];

/** True for the events after which a job's stream ends. */
export function isTerminalEvent(e: { type: string }): boolean {
  return (TERMINAL_EVENTS as readonly string[]).includes(e.type);
}

/** How often the worker may emit batch events (the SSE stream must not flood). */
export const BATCH_EVENT_INTERVAL_MS = 250;
/** SSE heartbeat comment period. */
export const SSE_HEARTBEAT_MS = 15_000;
