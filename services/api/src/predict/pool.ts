import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CodedError } from '@trainyard/contracts';
import { ApiError } from '../errors.js';
import { PredictMessage, type FromThread, type PredictThreadData, type ToThread } from './protocol.js';
import type { PredictOutput, PredictTask } from './runner.js';

// Node 20 cannot load a .ts file in a worker thread, so the thread always runs the compiled
// entry; `npm start` and `npm test` build it first (as the worker's PROCESSOR_PATH).
export const PREDICT_THREAD_PATH = fileURLToPath(new URL('../../dist/predict/thread.js', import.meta.url));

/** Until a prediction has been timed: the slowest forward pass measured (bench/predict-health.ts). */
const DEFAULT_FLOPS_PER_SECOND = 4e9;

export interface PoolOptions {
  threads: number;
  /** Requests that may wait for a thread; one more is a 429 PREDICT_BUSY. */
  queueLimit: number;
  /** A prediction still running after this long is stopped with its thread (PREDICT_TIMEOUT). */
  timeoutMs: number;
  /**
   * A thread whose kernel memory grew past this (one huge convolution's scratch) is retired after
   * its answer when no request waits: WebAssembly memory never shrinks, so an idle thread would
   * otherwise hold that peak for good.
   */
  retireKernelBytes: number;
  threadData: PredictThreadData;
}

interface Pending {
  task: PredictTask;
  flops: number;
  seq: number;
  resolve: (out: PredictOutput) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
  startedAt: number;
  timer?: NodeJS.Timeout;
  /** The thread's loaded models, least recently used first, as it reported after its last task. */
  cached: string[];
}

/**
 * A bounded pool of predict threads, started on first use. Each thread runs one prediction at a
 * time and keeps its own least-recently-used models; a request goes to an idle thread that
 * already holds its model when there is one. A thread past the time limit is terminated (a
 * forward pass cannot be interrupted otherwise), and one left holding too much kernel memory is
 * retired; either is replaced on the next request.
 */
export class PredictPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private seq = 0;
  private closed = false;
  private flopsPerSecond = DEFAULT_FLOPS_PER_SECOND;

  constructor(private readonly opts: PoolOptions) {}

  /** Runs a prediction of `flops` estimated operations; rejects PREDICT_BUSY when the queue is full. */
  run(task: PredictTask, flops: number): Promise<PredictOutput> {
    if (this.closed) return Promise.reject(new ApiError('SERVICE_UNAVAILABLE', 'The api is shutting down'));
    return new Promise<PredictOutput>((resolve, reject) => {
      const pending: Pending = { task, flops, seq: ++this.seq, resolve, reject };
      this.queue.push(pending);
      this.pump();
      if (this.queue.length > this.opts.queueLimit && this.queue[this.queue.length - 1] === pending) {
        this.queue.pop();
        const retryAfter = this.retryAfterSeconds();
        reject(
          new ApiError(
            'PREDICT_BUSY',
            `Every predict thread is busy and ${this.opts.queueLimit} request(s) are waiting already; retry in ${retryAfter} s`,
            {
              threads: this.opts.threads,
              queue_limit: this.opts.queueLimit,
              retry_after_seconds: retryAfter,
            },
          ),
        );
      }
    });
  }

  /** Drops a deleted job's model from every thread. */
  evict(jobId: string): void {
    for (const slot of this.slots) {
      slot.cached = slot.cached.filter((id) => id !== jobId);
      slot.worker.postMessage({ type: PredictMessage.Evict, jobId } satisfies ToThread);
    }
  }

  /** Models the threads hold, each thread's least recently used first (for tests). */
  keys(): string[] {
    return this.slots.flatMap((s) => s.cached);
  }

  /** Requests running and waiting now. */
  activity(): { running: number; waiting: number } {
    return { running: this.slots.filter((s) => s.busy).length, waiting: this.queue.length };
  }

  /** Refuses what waits and stops every thread. */
  async close(): Promise<void> {
    this.closed = true;
    const gone = () => new ApiError('SERVICE_UNAVAILABLE', 'The api is shutting down');
    for (const p of this.queue.splice(0)) p.reject(gone());
    await Promise.all(this.slots.splice(0).map((s) => this.stop(s, gone())));
  }

  // Seconds until the work ahead is done at the throughput seen so far, at least 1.
  private retryAfterSeconds(): number {
    const ahead = [...this.queue, ...this.slots.map((s) => s.busy)].reduce((sum, p) => sum + (p?.flops ?? 0), 0);
    return Math.max(1, Math.ceil(ahead / (this.flopsPerSecond * Math.max(1, this.opts.threads))));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const slot = this.idleSlot(this.queue[0].task.jobId);
      if (!slot) return;
      this.start(slot, this.queue.shift()!);
    }
  }

  // An idle thread that holds the model, else the idle one holding the fewest, else a new one.
  private idleSlot(jobId: string): Slot | undefined {
    const idle = this.slots.filter((s) => !s.busy);
    const slot =
      idle.find((s) => s.cached.includes(jobId)) ?? idle.sort((a, b) => a.cached.length - b.cached.length)[0];
    if (slot || this.slots.length >= this.opts.threads) return slot;
    return this.spawn();
  }

  private spawn(): Slot {
    // The thread gets our data and none of the parent's loader flags (tsx, vitest).
    const worker = new Worker(PREDICT_THREAD_PATH, { workerData: this.opts.threadData, execArgv: [] });
    const slot: Slot = { worker, busy: null, startedAt: 0, cached: [] };
    worker.on('message', (msg: FromThread) => this.finish(slot, msg));
    // A thread that dies on its own (not terminated by us) fails its request and is replaced.
    const lost = (why: string) => {
      if (!this.slots.includes(slot)) return;
      void this.stop(slot, new Error(`predict thread stopped: ${why}`));
      this.pump();
    };
    worker.on('error', (err) => lost(err.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, p: Pending): void {
    slot.busy = p;
    const { jobId, x, samples, inputShape } = p.task;
    // The packed input is ours alone: moved, not copied.
    slot.worker.postMessage(
      { type: PredictMessage.Predict, seq: p.seq, jobId, x, samples, inputShape } satisfies ToThread,
      [x.buffer as ArrayBuffer],
    );
  }

  // The time limit of the slot's forward pass. Starting the thread (compiling the kernels) and
  // loading a model (tens of MB from Redis) are bounded by the model size limits, not by this.
  private arm(slot: Slot, p: Pending): void {
    slot.startedAt = performance.now();
    slot.timer = setTimeout(() => {
      const ms = this.opts.timeoutMs;
      void this.stop(
        slot,
        new ApiError('PREDICT_TIMEOUT', `The prediction ran past the ${ms} ms limit and was stopped`, {
          timeout_ms: ms,
          estimated_flops: p.flops,
        }),
      );
      this.pump();
    }, this.opts.timeoutMs);
  }

  private finish(slot: Slot, msg: FromThread): void {
    const p = slot.busy;
    if (!p || msg.seq !== p.seq) return;
    if (msg.type === PredictMessage.Running) return this.arm(slot, p);
    clearTimeout(slot.timer);
    slot.busy = null;
    slot.cached = msg.cached;
    // Only when nothing waits: a queue of such requests would grow the next thread just the same.
    if (msg.kernelBytes > this.opts.retireKernelBytes && this.queue.length === 0)
      void this.stop(slot, new Error('retired'));
    if (msg.ok) {
      const seconds = (performance.now() - slot.startedAt) / 1000;
      if (p.flops > 0 && seconds > 0) this.flopsPerSecond = 0.8 * this.flopsPerSecond + 0.2 * (p.flops / seconds);
      p.resolve({ outputs: msg.outputs });
    } else {
      p.reject(CodedError.fromJSON(msg.error));
    }
    this.pump();
  }

  // Takes the slot out of the pool, fails its request and ends its thread.
  private async stop(slot: Slot, err: Error): Promise<void> {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    clearTimeout(slot.timer);
    slot.busy?.reject(err);
    slot.busy = null;
    await slot.worker.terminate();
  }
}
