import { parentPort, workerData } from 'node:worker_threads';
import { engineInfo, setKernelMemoryLimit, setThreads } from '@trainyard/tensor';
import { DEFAULT_TENANT, type TrainJobResult } from '@trainyard/contracts';
import { connectBlobStore } from '@trainyard/store';
import { saveModelArtifact } from './artifact.js';
import { JobCheckpoints } from './checkpoints.js';
import { loadDataset } from './dataset.js';
import { FencedError, JobFailed, failsForGood } from './errors.js';
import { JobPublisher } from './publisher.js';
import { HandBack, isShutdown } from './shutdown.js';
import { ThreadCommand, type FromThread, type JobStart, type ThreadData, type ToThread } from './thread-protocol.js';
import { jobDeadline } from './timeout.js';
import { train, type TrainResult } from './train.js';

// One thread per attempt, started by the parent (job-thread.ts) ahead of its job, so the modules
// are loaded when the job comes; the parent ends it once the job is done. No BullMQ in here: its
// import alone costs more than our own packages.
const env = workerData as ThreadData;
setThreads(env.threads);
// The kernels' WebAssembly memory may not outgrow the job's whole limit (V8's resourceLimits do not see it).
setKernelMemoryLimit(env.memoryMb * 2 ** 20);

/** Where the checkpoint of a stopped job stands, as its terminal event says. */
type CheckpointAt = { checkpoint_epoch: number; checkpoint_batch?: number };

/**
 * The training thread's work, a thin adapter: parse the payload, call train(), forward events.
 * User errors (and a spent time budget, JOB_TIMEOUT) end the job as failed and are never
 * retried (JobFailed); anything else is rethrown so BullMQ retries it with backoff. An attempt
 * that lost the job to another one (FencedError) leaves without a word; one stopped by a
 * shutdown goes back to the queue (HandBack).
 */
async function processTrainJob(run: JobStart, signal: AbortSignal, started: () => void): Promise<TrainJobResult> {
  const { prefix } = env;
  const { attempt } = run;
  const { jobId, spec, tenant = DEFAULT_TENANT, timeoutMs } = run.job;
  // The thread's one connection and one blob store: the job record, its events, the uploaded
  // dataset, checkpoints and the model all go through them. Nothing here blocks a connection
  // (cancels come from the parent), so a second one would buy nothing.
  const store = connectBlobStore(env.redisUrl, prefix, {
    connectionName: `trainyard-job-${jobId}`,
    maxRetriesPerRequest: 20,
  });
  const pub = new JobPublisher(store.redis, prefix, tenant, jobId, run.owner);
  const checkpoints = new JobCheckpoints(store.blobs, pub, jobId);
  let deadline: ReturnType<typeof jobDeadline> | undefined;
  // A cancel reaches this thread as the abort of `signal`: the worker's main thread hears it on
  // the cancel channel, BullMQ's cancelJob aborts the job's signal there, and the parent sends Cancel.
  const cancelled = async (reason: string, at?: CheckpointAt): Promise<TrainJobResult> => {
    // A worker shutting down is no cancel: the job goes back to the queue and resumes elsewhere.
    if (isShutdown(signal)) throw new HandBack();
    await pub.finish({ type: 'cancelled', reason, ...at });
    return { status: 'cancelled', metrics: {} };
  };
  // The budget is spent: the job's own doing (never retried), and what it trained is kept.
  const timedOut = async (at?: CheckpointAt): Promise<never> => {
    const message = `the job ran out of its time budget of ${timeoutMs! / 1000} s${at ? `; its checkpoint holds ${checkpointText(at)}` : ''}`;
    await pub.finish({ type: 'failed', error: { code: 'JOB_TIMEOUT', message }, ...at });
    throw new JobFailed(`JOB_TIMEOUT: ${message}`);
  };
  try {
    const start = await pub.started(attempt, env.workerName, engineInfo());
    if (start.outcome === 'ended') return { status: 'cancelled', metrics: {} };
    started();
    if (start.outcome === 'cancel_requested') return await cancelled('cancelled before it started');
    // The budget counts from the job's first start (the record's started_at), retries included.
    deadline = jobDeadline(start.startedAt, timeoutMs);
    const stop = AbortSignal.any([signal, deadline.signal]);
    const data = await loadDataset(spec.dataset, { fashionMnistDir: env.fashionMnistDir, blobs: store.blobs });
    if (signal.aborted) return await cancelled(abortReason(signal));
    if (deadline.signal.aborted) return await timedOut();
    const result = await train(spec, data, checkpoints.emit, stop, await checkpoints.hooks(attempt));
    if (result.aborted) {
      if (isShutdown(signal)) throw new HandBack();
      // A cancel or timeout keeps the work done: the weights as training stopped, mid-epoch or not.
      const at = result.stopped && (await saveStopped(checkpoints, result.stopped));
      if (!signal.aborted) return await timedOut(at);
      await pub.finish({ type: 'cancelled', reason: abortReason(signal), ...at });
      return { status: 'cancelled', metrics: result.metrics };
    }
    // Stored before the completed event, so a succeeded job always has its model.
    const links = await saveModelArtifact(jobId, result.model, store.blobs);
    await pub.finish({
      type: 'completed',
      metrics: result.metrics,
      seconds: result.seconds,
      epoch: result.epoch,
      ...(result.stoppedEarly && { stopped_early: result.stoppedEarly }),
      links,
    });
    return { status: 'succeeded', metrics: result.metrics };
  } catch (err) {
    // Another attempt owns the job now (this one's lock expired): it carries on; this one writes
    // nothing more and leaves the BullMQ job alone, as a hand-back does.
    if (err instanceof HandBack || err instanceof JobFailed || err instanceof FencedError) throw err;
    // Whatever an abort interrupted, a cancelled job ends cancelled and is never retried.
    if (signal.aborted) return await cancelled(abortReason(signal));
    if (deadline?.signal.aborted) return await timedOut();
    if (failsForGood(err)) {
      // The kernels refused to grow their memory past the job's limit: the same failure as the guard's.
      const code = err.code === 'TENSOR_MEMORY_LIMIT' ? 'RESOURCE_LIMIT' : err.code;
      await pub.finish({ type: 'failed', error: { code, message: err.message } });
      throw new JobFailed(`${code}: ${err.message}`);
    }
    throw err;
  } finally {
    deadline?.clear();
    await store.close();
  }
}

/** Stores the checkpoint of where a cancel or timeout stopped training; returns what the terminal event says of it. */
async function saveStopped(
  checkpoints: JobCheckpoints,
  stopped: NonNullable<TrainResult['stopped']>,
): Promise<CheckpointAt> {
  await checkpoints.save(stopped.checkpoint, stopped.batch);
  return { checkpoint_epoch: stopped.epoch, ...(stopped.batch > 0 && { checkpoint_batch: stopped.batch }) };
}

function checkpointText(at: CheckpointAt): string {
  return `epoch ${at.checkpoint_epoch}${at.checkpoint_batch ? ` and ${at.checkpoint_batch} batches of epoch ${at.checkpoint_epoch + 1}` : ''}`;
}

function abortReason(signal: AbortSignal | undefined): string {
  const r: unknown = signal?.reason;
  return typeof r === 'string' && r ? r : 'cancelled';
}

/** How the attempt ended, for the parent (the thread's only output besides Redis). */
function outcome(err: unknown): FromThread {
  if (err instanceof HandBack) return { cmd: ThreadCommand.HandBack };
  if (err instanceof FencedError) return { cmd: ThreadCommand.Fenced };
  if (err instanceof JobFailed) return { cmd: ThreadCommand.Failed, message: err.message };
  return { cmd: ThreadCommand.Retry, message: err instanceof Error ? err.message : String(err) };
}

const port = parentPort!;
const controller = new AbortController();
const send = (m: FromThread) => port.postMessage(m);
let reporter: NodeJS.Timeout | undefined;

// The thread's own memory for the parent's MemoryGuard: V8 heap plus ArrayBuffers (our tensors),
// which V8's resourceLimits do not bound. Measured whenever the event loop turns (every batch
// event at least); a thread stuck in one long allocation or kernel goes stale and the guard
// charges the process's unexplained growth to it.
function reportMemory(slots: BigInt64Array): void {
  const m = process.memoryUsage();
  Atomics.store(slots, 0, BigInt(m.heapUsed + m.arrayBuffers));
  Atomics.store(slots, 1, BigInt(Date.now()));
}

port.on('message', (m: ToThread) => {
  if (m.cmd === ThreadCommand.Cancel) controller.abort(m.reason);
  if (m.cmd !== ThreadCommand.Start || reporter) return;
  const slots = new BigInt64Array(m.run.memory);
  reportMemory(slots);
  reporter = setInterval(() => reportMemory(slots), 100);
  processTrainJob(m.run, controller.signal, () => send({ cmd: ThreadCommand.Started }))
    .then(
      (result) => send({ cmd: ThreadCommand.Completed, result }),
      (err: unknown) => send(outcome(err)),
    )
    .finally(() => {
      clearInterval(reporter);
      port.close();
    });
});
