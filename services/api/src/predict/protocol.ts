import type { CodedErrorJSON } from '@trainyard/contracts';
import type { PredictTask } from './runner.js';

/** Every message between the api and a predict thread, by its `type` (one enum, as the worker's). */
export const PredictMessage = {
  /** api → thread: run one prediction. */
  Predict: 'predict',
  /** api → thread: drop a deleted job's model. */
  Evict: 'evict',
  /** thread → api: the answer to one Predict. */
  Result: 'result',
  /** thread → api: the model is loaded and the forward pass starts; the time limit counts from here. */
  Running: 'running',
} as const;

/** What the api hands every predict thread (its workerData). */
export interface PredictThreadData {
  redisUrl: string;
  prefix: string;
  /** This thread's share of TRAINYARD_MODEL_CACHE_SIZE and TRAINYARD_MODEL_CACHE_MAX_BYTES. */
  cacheEntries: number;
  cacheBytes: number;
}

export type ToThread =
  | ({ type: typeof PredictMessage.Predict; seq: number } & PredictTask)
  | { type: typeof PredictMessage.Evict; jobId: string };

export type FromThread =
  | { type: typeof PredictMessage.Running; seq: number }
  | ({
      type: typeof PredictMessage.Result;
      seq: number;
      /** The thread's loaded models after this task, least recently used first. */
      cached: string[];
      /** The thread's WebAssembly kernel memory after this task (it grows, never shrinks). */
      kernelBytes: number;
    } & ({ ok: true; outputs: string } | { ok: false; error: CodedErrorJSON }));
