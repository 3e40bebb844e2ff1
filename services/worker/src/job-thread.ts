import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Worker as Thread } from 'node:worker_threads';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { DEFAULT_TENANT, isTerminalStatus, type TrainJobData, type TrainJobResult } from '@trainyard/contracts';
import { keys } from '@trainyard/store';
import type { WorkerConfig } from './config.js';
import { FencedError } from './errors.js';
import { finishJob, lostToItsMemory, noteAttemptMemory, type AttemptMemory, type TerminalEvent } from './job-record.js';
import type { MemoryGuard } from './memory-guard.js';
import { CANCEL_REASON, SHUTDOWN_REASON } from './shutdown.js';
import {
  MEMORY_SLOTS_BYTES,
  ThreadCommand,
  type FromThread,
  type JobStart,
  type ThreadData,
  type ToThread,
} from './thread-protocol.js';

// Node 20 cannot load a .ts file in a worker thread, so the thread always runs the compiled
// entry; `npm start` and `npm test` build it first.
export const PROCESSOR_PATH = fileURLToPath(new URL('../dist/processor.js', import.meta.url));

/** How an attempt's thread ended: its own last word, or the parent stopping it. */
type Ending =
  | Exclude<FromThread, { cmd: ThreadCommand.Started }>
  | { cmd: 'over_limit'; message: string }
  | { cmd: 'stopped'; reason: string }
  | { cmd: 'crashed'; error: Error };

/**
 * Hands out training threads, keeping one spare loaded ahead of the next job: a thread's start
 * (our packages, ioredis and the WebAssembly kernels' compile) takes a few hundred ms, seconds on
 * a loaded host, and would otherwise delay every job and every cancel that comes as it starts.
 * Each thread still trains one attempt only, then is terminated.
 */
export class ThreadSupply {
  private spare: Thread | null = null;
  private closed = false;

  constructor(
    private readonly data: ThreadData,
    private readonly memoryMb: number,
  ) {
    this.spare = this.spawn();
  }

  /** A thread for the next job (the spare when one is ready), and a new spare in its place. */
  take(): Thread {
    const thread = this.spare ?? this.spawn();
    this.spare = this.closed ? null : this.spawn();
    return thread;
  }

  /** Ends the spare; threads already taken are their jobs' to end. */
  async close(): Promise<void> {
    this.closed = true;
    const spare = this.spare;
    this.spare = null;
    await spare?.terminate();
  }

  private spawn(): Thread {
    // The thread gets our data and none of the parent's loader flags (tsx, vitest).
    const thread = new Thread(PROCESSOR_PATH, {
      workerData: this.data,
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb },
    });
    // A spare that dies before it is used is replaced at the next take(); its job would hear nothing.
    thread.on('error', () => undefined);
    thread.once('exit', () => {
      if (this.spare === thread) this.spare = null;
    });
    return thread;
  }
}

export interface JobThreadContext {
  config: WorkerConfig;
  threads: ThreadSupply;
  log: Logger;
  redis: Redis;
  guard: MemoryGuard;
  /** How long a stopped job may take to reach its next batch boundary before its thread is terminated (ms). */
  stopGraceMs(reason: string): number;
  /** Threads running now, and the most this process ever ran at once (for tests and logs). */
  stats: { running: number; peak: number };
}

const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);

/**
 * BullMQ's processor: runs one attempt of a training job in a worker thread of its own, started
 * for it and ended with it, so BullMQ's concurrency is the number of threads training (a sandbox
 * pool could release a thread whose job went on). The thread runs with V8 resourceLimits, and
 * the MemoryGuard bounds what those leave out (ArrayBuffers, WebAssembly memory). A cancel the
 * thread does not act on within the grace period (a long kernel, a huge allocation), and a job
 * past its memory limit, end with the thread terminated: the job cancelled, or failed
 * RESOURCE_LIMIT (its own doing: never retried), and the worker goes on with its next job.
 */
export async function runJobThread(
  ctx: JobThreadContext,
  job: Job<TrainJobData, TrainJobResult>,
  token: string | undefined,
  signal?: AbortSignal,
): Promise<TrainJobResult> {
  const ended = await endBeforeStart(ctx, job.data);
  if (ended) return ended;
  return new Attempt(ctx, job, token).run(signal);
}

/** Ends a job that needs no training thread (and says how), or returns undefined for one that does. */
async function endBeforeStart(ctx: JobThreadContext, data: TrainJobData): Promise<TrainJobResult | undefined> {
  const { config, redis } = ctx;
  const { jobId, tenant = DEFAULT_TENANT } = data;
  const end = (event: TerminalEvent) => finishJob(redis, config.prefix, tenant, jobId, event);

  // A job whose last attempt took its worker process down would take the next one down too.
  const lost = await lostToItsMemory(redis, config.prefix, jobId, config.poisonMemoryFraction);
  if (lost) {
    await end({ type: 'failed', error: { code: 'RESOURCE_LIMIT', message: lost } });
    throw new UnrecoverableError(`RESOURCE_LIMIT: ${lost}`);
  }

  // A cancel that came as the job was picked up (too late for the api to remove it) ends it here,
  // before a thread is spent on it; one that comes later is seen by the thread's START.
  const [status, cancelRequested] = await redis.hmget(keys.job(config.prefix, jobId), 'status', 'cancel_requested');
  if (!status || isTerminalStatus(status)) return { status: 'cancelled', metrics: {} };
  if (cancelRequested !== null) {
    await end({ type: 'cancelled', reason: 'cancelled before it started' });
    return { status: 'cancelled', metrics: {} };
  }
  return undefined;
}

/** One attempt in its training thread, as the main thread sees it: started, watched, stopped, concluded. */
class Attempt {
  private readonly attempt: number;
  private readonly owner = randomUUID();
  private readonly limit: number;
  private readonly memory = new SharedArrayBuffer(MEMORY_SLOTS_BYTES);
  private started = false;
  private settle!: (e: Ending) => void;
  private readonly ending = new Promise<Ending>((resolve) => (this.settle = resolve));
  /** The memory last noted on the record (bytes). */
  private noted = 0;

  constructor(
    private readonly ctx: JobThreadContext,
    private readonly job: Job<TrainJobData, TrainJobResult>,
    private readonly token: string | undefined,
  ) {
    // attemptsStarted also counts starts after a stall (a crashed worker), which attemptsMade does not.
    this.attempt = job.attemptsStarted || job.attemptsMade + 1;
    this.limit = ctx.config.jobMemoryMb * 2 ** 20;
  }

  async run(signal?: AbortSignal): Promise<TrainJobResult> {
    const thread = this.start();
    const unwatch = this.watchMemory();
    const cancel = this.cancelSignal(signal);
    const unlisten = this.stopOnAbort(thread, cancel.signal);
    let result: Ending;
    try {
      result = await this.ending;
    } finally {
      unlisten();
      cancel.stop();
      unwatch();
    }
    // JavaScript (and a kernel) stops at once; the promise resolves once the thread has exited,
    // which under load can take a few hundred ms: the job's bookkeeping does not wait for it, the
    // processor (the concurrency slot) does.
    const exited = thread.terminate().then(() => {
      this.ctx.stats.running--;
    });
    try {
      return await this.conclude(result);
    } catch (err) {
      if (err instanceof FencedError) throw new WaitingError();
      throw err;
    } finally {
      // Ended in this worker's hands: no note may say otherwise to the next attempt.
      if (this.started)
        await noteAttemptMemory(this.ctx.redis, this.ctx.config.prefix, this.job.data.jobId, this.owner, null).catch(
          () => undefined,
        );
      await exited;
    }
  }

  /** Takes a thread, listens for how it ends and sends it the attempt. */
  private start(): Thread {
    const { ctx } = this;
    const { jobId } = this.job.data;
    const run: JobStart = { job: this.job.data, attempt: this.attempt, owner: this.owner, memory: this.memory };
    const spawnedAt = performance.now();
    const thread = ctx.threads.take();
    ctx.stats.running++;
    ctx.stats.peak = Math.max(ctx.stats.peak, ctx.stats.running);
    thread.on('message', (m: FromThread) => {
      if (m.cmd !== ThreadCommand.Started) return this.settle(m);
      this.started = true;
      ctx.log.debug({ jobId, startMs: Math.round(performance.now() - spawnedAt) }, 'training thread started');
    });
    thread.on('error', (err: Error & { code?: string }) => {
      // V8's resourceLimits: the thread's heap is full; the thread is gone, the process is not.
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY')
        this.settle({
          cmd: 'over_limit',
          message: `the job's JavaScript heap went past its ${ctx.config.jobMemoryMb} MB limit`,
        });
      else this.settle({ cmd: 'crashed', error: err });
    });
    thread.on('exit', (code) =>
      this.settle({
        cmd: 'crashed',
        error: new Error(`the training thread exited (code ${code}) before it ended the job`),
      }),
    );
    thread.postMessage({ cmd: ThreadCommand.Start, run } satisfies ToThread);
    return thread;
  }

  /** Has the MemoryGuard watch the thread; returns the unwatch. */
  private watchMemory(): () => void {
    const { config } = this.ctx;
    return this.ctx.guard.watch({
      slots: new BigInt64Array(this.memory),
      limit: this.limit,
      sample: (bytes) => {
        if (this.started && bytes >= config.poisonMemoryFraction * this.limit && bytes > this.noted * 1.1)
          this.note(bytes);
      },
      breach: (bytes) => {
        if (this.started) this.note(bytes, true);
        this.settle({
          cmd: 'over_limit',
          message: `the job used ${mb(bytes)} MB, past its memory limit of ${config.jobMemoryMb} MB`,
        });
      },
    });
  }

  /** Notes the memory on the record while the job is large, so the next attempt knows if it took this process down. */
  private note(bytes: number, contained = false): void {
    const { config, log, redis } = this.ctx;
    const { jobId } = this.job.data;
    const n: AttemptMemory = {
      attempt: this.attempt,
      bytes: Math.round(bytes),
      limit: this.limit,
      ...(contained && { contained }),
    };
    this.noted = bytes;
    noteAttemptMemory(redis, config.prefix, jobId, this.owner, n).catch((err: unknown) =>
      log.warn({ err, jobId }, 'could not note the job’s memory'),
    );
  }

  /**
   * BullMQ's signal (a cancel heard on pub/sub, or a shutdown), also aborted when the record says a
   * cancel was asked for: pub/sub drops what is published while a subscriber reconnects.
   */
  private cancelSignal(signal?: AbortSignal): { signal: AbortSignal; stop: () => void } {
    const { config, log, redis } = this.ctx;
    const { jobId } = this.job.data;
    const controller = new AbortController();
    const forward = () => controller.abort(signal?.reason);
    if (signal?.aborted) forward();
    else signal?.addEventListener('abort', forward, { once: true });
    const poll = () => {
      if (!this.started || controller.signal.aborted) return;
      redis.hexists(keys.job(config.prefix, jobId), 'cancel_requested').then(
        (found) => {
          if (found === 1 && !controller.signal.aborted) {
            log.info({ jobId }, 'cancelling job: its record asks for it (the cancel message was missed)');
            controller.abort(CANCEL_REASON);
          }
        },
        (err: unknown) => log.warn({ err, jobId }, 'could not re-read the job’s cancel request'),
      );
    };
    const timer = config.cancelPollMs > 0 ? setInterval(poll, config.cancelPollMs) : undefined;
    return {
      signal: controller.signal,
      stop: () => {
        clearInterval(timer);
        signal?.removeEventListener('abort', forward);
      },
    };
  }

  /**
   * A cancel or shutdown: the thread stops at its next batch boundary, keeping a checkpoint of
   * where it stopped; one that cannot get there in time is terminated. Returns the unlisten.
   */
  private stopOnAbort(thread: Thread, signal?: AbortSignal): () => void {
    let stopTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      const reason = typeof signal?.reason === 'string' ? signal.reason : 'cancelled';
      thread.postMessage({ cmd: ThreadCommand.Cancel, reason } satisfies ToThread);
      stopTimer = setTimeout(() => this.settle({ cmd: 'stopped', reason }), this.ctx.stopGraceMs(reason));
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    return () => {
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(stopTimer);
    };
  }

  /** Ends the job (when the thread could not) and answers BullMQ as the thread's ending asks. */
  private async conclude(result: Ending): Promise<TrainJobResult> {
    const { config, log } = this.ctx;
    const { jobId } = this.job.data;
    switch (result.cmd) {
      case ThreadCommand.Completed:
        return result.result;
      case ThreadCommand.Failed:
        throw new UnrecoverableError(result.message);
      case ThreadCommand.Retry:
        throw new Error(result.message);
      case 'crashed':
        throw result.error;
      case ThreadCommand.Fenced:
        throw new WaitingError();
      case ThreadCommand.HandBack:
        await this.job.moveToWait(this.token);
        throw new WaitingError();
      case 'stopped':
        log.warn(
          { jobId, reason: result.reason },
          'the job did not stop at a batch boundary in time; its thread was terminated',
        );
        if (result.reason === SHUTDOWN_REASON) {
          await this.job.moveToWait(this.token);
          throw new WaitingError();
        }
        // Cancelled before its START: the record still names no owner of ours (the api asked first).
        await this.end({ type: 'cancelled', reason: result.reason });
        return { status: 'cancelled', metrics: {} };
      case 'over_limit':
        log.warn({ jobId, limitMb: config.jobMemoryMb }, result.message);
        await this.end({ type: 'failed', error: { code: 'RESOURCE_LIMIT', message: result.message } });
        throw new UnrecoverableError(`RESOURCE_LIMIT: ${result.message}`);
    }
    return unreachable(result);
  }

  /** Writes the job's terminal event as this attempt's owner, or as nobody's before its START ran. */
  private end(event: TerminalEvent): Promise<boolean> {
    const { tenant = DEFAULT_TENANT, jobId } = this.job.data;
    return finishJob(this.ctx.redis, this.ctx.config.prefix, tenant, jobId, event, this.started ? this.owner : '');
  }
}

function unreachable(x: never): never {
  throw new Error(`unexpected thread ending ${JSON.stringify(x)}`);
}
