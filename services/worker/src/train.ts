import { tensor, type Tensor } from '@trainyard/tensor';
import {
  callbackFromConfig,
  EarlyStopping,
  modelFromJson,
  type Callback,
  type Checkpoint,
  type History,
  type Logs,
  type Model,
} from '@trainyard/nn';
import { BATCH_EVENT_INTERVAL_MS, type EarlyStop, type JobEvent, type JobSpec } from '@trainyard/contracts';
import type { Dataset, NdArray } from '@trainyard/data';
import { TrainingError } from './errors.js';
import { appendEpoch, restoreCheckpoint, snapshot, type TrainHooks } from './resume.js';

type Progress = Extract<JobEvent, { type: 'log' | 'batch' | 'epoch' | 'resumed' }>;

export interface TrainResult {
  metrics: Logs;
  seconds: number;
  /** True when the signal stopped training before the last epoch. */
  aborted: boolean;
  /** Last epoch that ran, 1-based (fit.epochs unless a callback or the signal stopped training). */
  epoch: number;
  /** Set when an EarlyStopping callback ended training early. */
  stoppedEarly?: EarlyStop;
  /** The trained model, for the caller to export (train() stores nothing itself). */
  model: Model;
  /**
   * Set when the signal stopped training: the checkpoint of where it stopped, `epoch` completed
   * epochs plus `batch` batches of the next one (0 at an epoch boundary), taken before any
   * callback's onTrainEnd (EarlyStopping would put its best weights back).
   */
  stopped?: { checkpoint: Checkpoint; epoch: number; batch: number };
}

const toTensor = (a: NdArray): Tensor => tensor(a.data, a.shape);

function assertFinite(logs: Logs, where: string): void {
  for (const [name, value] of Object.entries(logs)) {
    if (!Number.isFinite(value)) {
      throw new TrainingError(
        'TRAINING_DIVERGED',
        `${name} became ${value} ${where}; lower the learning rate or normalise the inputs`,
        { metric: name },
      );
    }
  }
}

/**
 * Trains one job: a plain function of (spec, data, emit, signal) that knows nothing of Redis or
 * BullMQ. Emits batch events at most every 250 ms, an epoch event after every epoch, and
 * returns the final metrics (plus test_* metrics when the dataset has a test split).
 */
export async function train(
  spec: JobSpec,
  data: Dataset,
  emit: (e: Progress) => Promise<void>,
  signal?: AbortSignal,
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  const started = performance.now();
  const x = toTensor(data.x);
  const y = toTensor(data.y);
  const plan = await planRun(spec, data, emit, hooks);
  const run = new RunProgress(plan, emit, hooks, signal);
  const history = await plan.model.fit(x, y, {
    epochs: plan.lastFitEpoch,
    batchSize: plan.batchSize,
    validationSplit: plan.split,
    shuffle: spec.fit.shuffle ?? true,
    seed: plan.seed,
    signal,
    initialEpoch: plan.initialEpoch,
    ...(spec.fit.class_weight && { classWeight: classWeights(spec.fit.class_weight) }),
    callbacks: run.callbacks(),
  });

  const metrics: Logs = { ...run.lastLogs };
  // Fewer epochs than asked is not an abort: EarlyStopping ends a job that completes normally.
  const aborted = signal?.aborted === true || history.aborted === true;
  if (data.test && !aborted) {
    const test = plan.model.evaluate(toTensor(data.test.x), toTensor(data.test.y), { batchSize: 1024 });
    for (const [name, value] of Object.entries(test)) metrics[`test_${name}`] = value;
  }
  const stoppedEarly = aborted ? undefined : earlyStop(plan.userCallbacks);
  return {
    metrics,
    seconds: round((performance.now() - started) / 1000, 3),
    aborted,
    epoch: run.lastEpoch,
    ...(stoppedEarly && { stoppedEarly }),
    model: plan.model,
    ...(aborted && run.stopped && { stopped: run.stopped }),
  };
}

/** What a run trains and where it starts, worked out once before fit. */
interface RunPlan {
  model: Model;
  userCallbacks: Callback[];
  seed: number;
  epochs: number;
  batchSize: number;
  batches: number;
  split: number;
  trainSamples: number;
  initialEpoch: number;
  /** The epoch fit runs to: `epochs`, unless a resumed EarlyStopping had already stopped the run. */
  lastFitEpoch: number;
  /** The history a checkpoint carries: the resumed run's, then each epoch's as it ends. */
  runHistory: History;
  /** The last completed epoch's logs (the resumed run's, until an epoch ends). */
  lastLogs: Logs;
}

/** Builds and compiles the model, restores a checkpoint when there is one that fits, and says where the run starts. */
async function planRun(
  spec: JobSpec,
  data: Dataset,
  emit: (e: Progress) => Promise<void>,
  hooks: TrainHooks,
): Promise<RunPlan> {
  const model = modelFromJson(spec.model, { seed: spec.seed ?? 0, inputShape: data.x.shape.slice(1) });
  model.compile(spec.compile);
  // User callbacks run before ours, as Keras runs them before History: what they add to the logs
  // (ReduceLROnPlateau's learning_rate) reaches the epoch events. The api has checked their configs.
  const userCallbacks = (spec.fit.callbacks ?? []).map((c, i) => callbackFromConfig(c, {}, `/fit/callbacks/${i}`));

  const samples = data.x.shape[0] ?? 0;
  const split = spec.fit.validation_split ?? 0;
  const trainSamples = split > 0 ? Math.floor(samples * (1 - split)) : samples;
  const batchSize = spec.fit.batch_size ?? 32;
  const batches = Math.ceil(trainSamples / batchSize);
  const epochs = spec.fit.epochs;
  // A retried attempt continues from its checkpoint; one that does not fit starts over.
  const restored = hooks.resume && restoreCheckpoint(model, hooks.resume, userCallbacks);
  const resumed = restored && !('error' in restored) ? restored : undefined;
  if (restored && 'error' in restored)
    await emit({
      type: 'log',
      level: 'warn',
      message: `checkpoint not usable, training from the start: ${restored.error}`,
    });
  if (resumed) await emit({ type: 'resumed', from_epoch: resumed.epoch });
  const initialEpoch = resumed?.epoch ?? spec.fit.initial_epoch ?? 0;
  // A checkpoint saved after EarlyStopping ran out of patience (the worker died before `completed`)
  // trains no further epoch; fit still ends the run (restoring the best weights).
  const lastFitEpoch =
    resumed && userCallbacks.some((c) => c instanceof EarlyStopping && c.stoppedEpoch > 0) ? initialEpoch : epochs;
  await emit({
    type: 'log',
    level: 'info',
    message: `${data.name}: ${samples} samples of shape [${data.x.shape.slice(1).join(', ')}]; model has ${model.countParams()} parameters; ${epochs - initialEpoch} epochs of ${batches} batches${initialEpoch ? ` from epoch ${initialEpoch + 1}` : ''}`,
  });
  return {
    model,
    userCallbacks,
    seed: spec.seed ?? 0,
    epochs,
    batchSize,
    batches,
    split,
    trainSamples,
    initialEpoch,
    lastFitEpoch,
    runHistory: resumed?.history ?? { epoch: [], history: {} },
    lastLogs: resumed ? { ...resumed.lastLogs } : {},
  };
}

/**
 * train()'s own callbacks around the user's, and what they track as fit goes: batch and epoch
 * events, each epoch's checkpoint, and the snapshot of where a stop left the weights.
 */
class RunProgress {
  lastEpoch: number;
  lastLogs: Logs;
  stopped: TrainResult['stopped'];
  private currentEpoch: number;
  private epochStart = performance.now();
  private lastBatchEvent = 0;
  private batchesDone = 0;

  constructor(
    private readonly plan: RunPlan,
    private readonly emit: (e: Progress) => Promise<void>,
    private readonly hooks: TrainHooks,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.currentEpoch = plan.initialEpoch + 1;
    this.lastEpoch = plan.initialEpoch;
    this.lastLogs = plan.lastLogs;
  }

  callbacks(): Callback[] {
    const { model, userCallbacks, runHistory, seed } = this.plan;
    return [
      {
        // First in line, so the weights are still those training stopped with.
        onTrainEnd: () => {
          if (this.signal?.aborted)
            this.stopped = {
              checkpoint: snapshot(model, this.lastEpoch, runHistory, seed, userCallbacks),
              epoch: this.lastEpoch,
              batch: this.batchesDone,
            };
        },
      },
      ...userCallbacks,
      {
        onEpochBegin: (epoch) => {
          this.currentEpoch = epoch + 1;
          this.epochStart = performance.now();
          this.batchesDone = 0;
        },
        onBatchEnd: (batch, logs) => this.batchEnd(batch, logs),
        onEpochEnd: (epoch, logs) => this.epochEnd(epoch, logs),
      },
    ];
  }

  private async batchEnd(batch: number, logs: Logs): Promise<void> {
    this.batchesDone = batch + 1;
    if (!Number.isFinite(logs.loss)) assertFinite({ loss: logs.loss ?? NaN }, `at batch ${batch + 1}`);
    const now = performance.now();
    if (now - this.lastBatchEvent < BATCH_EVENT_INTERVAL_MS) return;
    this.lastBatchEvent = now;
    const { batch: _b, size: _s, ...rest } = logs;
    await this.emit({
      type: 'batch',
      epoch: this.currentEpoch,
      batch: batch + 1,
      batches: this.plan.batches,
      logs: rest,
    });
  }

  private async epochEnd(epoch: number, logs: Logs): Promise<void> {
    const { model, userCallbacks, runHistory, seed, epochs, trainSamples } = this.plan;
    const seconds = (performance.now() - this.epochStart) / 1000;
    assertFinite(logs, `after epoch ${epoch + 1}`);
    this.lastLogs = logs;
    this.lastEpoch = epoch + 1;
    await this.emit({
      type: 'epoch',
      epoch: epoch + 1,
      epochs,
      logs,
      seconds: round(seconds, 3),
      samples_per_second: Math.round(trainSamples / Math.max(seconds, 1e-9)),
    });
    // After the epoch event: a crash in between replays this epoch, and the replay's event is skipped.
    appendEpoch(runHistory, epoch, logs);
    if (this.hooks.onCheckpoint)
      await this.hooks.onCheckpoint(snapshot(model, epoch + 1, runHistory, seed, userCallbacks));
  }
}

/** Keras class_weight keys are class indices; JSON object keys are strings. */
function classWeights(given: Record<string, number>): Record<number, number> {
  return Object.fromEntries(Object.entries(given).map(([k, w]) => [Number(k), w]));
}

/** What the first EarlyStopping that stopped training watched, with its best epoch 1-based. */
function earlyStop(callbacks: Callback[]): EarlyStop | undefined {
  const es = callbacks.find((c): c is EarlyStopping => c instanceof EarlyStopping && c.stoppedEpoch > 0);
  if (!es) return undefined;
  return { monitor: es.monitor, ...(es.best !== undefined && { best: es.best, best_epoch: es.bestEpoch + 1 }) };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
