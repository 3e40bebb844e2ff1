import type { TrainJobData, TrainJobResult } from '@trainyard/contracts';

/**
 * The messages between a job's training thread and the worker's main thread, one enum as
 * BullMQ's ParentCommand. The parent sends Start once (the thread waits for it with its modules
 * loaded) and maybe Cancel; the thread sends Started once its attempt owns the job record, then
 * exactly one of the others as it ends.
 */
export enum ThreadCommand {
  /** parent → thread: train this attempt. */
  Start = 'start',
  /** parent → thread: stop at the next batch boundary (a user's cancel or the worker shutting down). */
  Cancel = 'cancel',
  /** This attempt's START ran: the record names its owner token, so the parent may end the job with it. */
  Started = 'started',
  /** Training ended (succeeded, or cancelled) and the terminal event is written. */
  Completed = 'completed',
  /** The job ended failed (terminal event written) for a reason a retry cannot help. */
  Failed = 'failed',
  /** Something outside the job went wrong (Redis, a bug): BullMQ retries the attempt with backoff. */
  Retry = 'retry',
  /** Another attempt owns the job now: this one leaves the BullMQ job alone. */
  Fenced = 'fenced',
  /** The worker is shutting down: the parent moves the job back to the queue, to resume elsewhere. */
  HandBack = 'hand_back',
}

export type ToThread = { cmd: ThreadCommand.Start; run: JobStart } | { cmd: ThreadCommand.Cancel; reason: string };

export type FromThread =
  | { cmd: ThreadCommand.Started }
  | { cmd: ThreadCommand.Completed; result: TrainJobResult }
  | { cmd: ThreadCommand.Failed; message: string }
  | { cmd: ThreadCommand.Retry; message: string }
  | { cmd: ThreadCommand.Fenced }
  | { cmd: ThreadCommand.HandBack };

/** What every training thread of a worker gets (its workerData). */
export interface ThreadData {
  redisUrl: string;
  prefix: string;
  fashionMnistDir: string;
  workerName: string;
  /** Threads GEMM and convolution use in this training thread (WORKER_THREADS). */
  threads: number;
  /** WORKER_JOB_MEMORY_MB: also the cap on the kernels' WebAssembly memory. */
  memoryMb: number;
}

/** The attempt a thread trains (the Start message). */
export interface JobStart {
  job: TrainJobData;
  /** 1-based attempt number (BullMQ's attemptsStarted, which counts starts after a stall too). */
  attempt: number;
  /** The attempt's fencing token: START writes it to the record; the parent ends the job with it when it must stop the thread. */
  owner: string;
  /**
   * Two int64 slots the thread writes and the parent reads (MemoryGuard): the thread's own
   * memory (V8 heap used plus its ArrayBuffers, bytes) and when it measured it (ms since epoch).
   */
  memory: SharedArrayBuffer;
}

/** Byte size of JobStart.memory. */
export const MEMORY_SLOTS_BYTES = 16;
