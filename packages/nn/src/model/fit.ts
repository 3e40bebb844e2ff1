import { gather, Rng, Tensor } from '@trainyard/tensor';
import type { Callback, History, Logs } from '../callbacks.js';
import { NnError } from '../errors.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { checkBatchSize, sliceRows } from './data.js';
import { sampleWeights } from './sample-weights.js';
import type { HeadMetrics, Model, ModelData } from './model.js';

/** Options of `Model.fit` (Keras names in camelCase). */
export interface FitOptions {
  epochs: number;
  /** Default 32. */
  batchSize?: number;
  /** Fraction in (0, 1): the LAST part of x/y, taken before shuffling. */
  validationSplit?: number;
  /** [x, y] or Keras's [x, y, sampleWeight], whose weights apply to val_loss. */
  validationData?: [ModelData, ModelData] | [ModelData, ModelData, Float32Array | Tensor];
  /** Reshuffle the training samples every epoch (default true). */
  shuffle?: boolean;
  /** Seed of shuffling and dropout (default: the model's seed). Epoch e uses Rng.fromKey(seed, e), so resuming at initialEpoch replays the same order. */
  seed?: number;
  /** First epoch index (for resuming); default 0. */
  initialEpoch?: number;
  /** Checked before every batch: when aborted, fit stops at that batch boundary and resolves with `aborted: true`. */
  signal?: AbortSignal;
  callbacks?: Callback[];
  /** Keras class_weight (single-output models): each training sample's loss is multiplied by the weight of its class (missing classes: 1). */
  classWeight?: Record<number, number>;
  /** Keras sample_weight, one value per sample of x, applied to every output's loss; multiplies class weights. The validation_split part weights val_loss. */
  sampleWeight?: Float32Array | Tensor;
}

// Lets the event loop deliver abort signals and messages during long CPU-bound epochs.
const YIELD_EVERY_MS = 50;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function fitError(message: string, path: string): never {
  throw new NnError('SPEC_INVALID_FIT_CONFIG', message, { path });
}

function validate(opts: FitOptions): void {
  if (!Number.isSafeInteger(opts.epochs) || opts.epochs < 0)
    fitError(`epochs must be a non-negative integer, got ${opts.epochs}`, '/epochs');
  const initial = opts.initialEpoch ?? 0;
  if (!Number.isSafeInteger(initial) || initial < 0)
    fitError(`initialEpoch must be a non-negative integer, got ${initial}`, '/initial_epoch');
  const split = opts.validationSplit ?? 0;
  if (!(split >= 0 && split < 1)) fitError(`validation_split must be in [0, 1), got ${split}`, '/validation_split');
  if (split > 0 && opts.validationData)
    fitError('give validation_split or validation_data, not both', '/validation_split');
}

const rowsOf = (ts: readonly Tensor[], start: number, size: number): Tensor[] =>
  ts.map((t) => sliceRows(t, start, size));

interface TrainData {
  metrics: HeadMetrics[];
  /** Outputs of the model (the number of per-output loss sums). */
  heads: number;
  nTrain: number;
  batchSize: number;
  xTrain: Tensor[];
  yTrain: Tensor[];
  wTrain?: Tensor;
  validation?: { xs: Tensor[]; ys: Tensor[]; w?: Float32Array | Tensor };
}

// Checks the options and the data, and splits off the validation set, all before the first epoch.
function prepare(model: Model, x: ModelData, y: ModelData, opts: FitOptions): TrainData {
  validate(opts);
  const xs = model.toInputs(x);
  const ys = model.toTargets(y);
  const metrics = model.checkData(xs, ys);
  if (opts.classWeight && ys.length > 1)
    fitError('class_weight is only supported for single-output models; use sample_weight', '/class_weight');
  const batchSize = checkBatchSize(opts.batchSize ?? 32);
  const n = xs[0].shape[0];
  const split = opts.validationSplit ?? 0;
  let nTrain = n;
  const givenWeights = sampleWeights(ys[0], opts.sampleWeight, undefined);
  let validation: TrainData['validation'];
  if (opts.validationData) {
    const [vx, vy, vw] = opts.validationData;
    validation = { xs: model.toInputs(vx), ys: model.toTargets(vy), w: vw };
  }
  if (split > 0) {
    nTrain = Math.floor(n * (1 - split));
    if (nTrain === 0 || nTrain === n)
      fitError(
        `validation_split ${split} of ${n} samples leaves an empty training or validation set`,
        '/validation_split',
      );
    // Keras splits sample_weight with x and y, so the validation part keeps its weights (class_weight it does not).
    validation = {
      xs: rowsOf(xs, nTrain, n - nTrain),
      ys: rowsOf(ys, nTrain, n - nTrain),
      w: givenWeights?.subarray(nTrain),
    };
  }
  if (validation) {
    model.checkData(validation.xs, validation.ys);
    sampleWeights(validation.ys[0], validation.w, undefined); // fail before training, not after the first epoch
  }
  const xTrain = rowsOf(xs, 0, nTrain);
  const yTrain = rowsOf(ys, 0, nTrain);
  const trainWeights = sampleWeights(yTrain[0], givenWeights?.subarray(0, nTrain), opts.classWeight);
  const wTrain = trainWeights ? new Tensor(trainWeights, [nTrain]) : undefined;
  return { metrics, heads: ys.length, nTrain, batchSize, xTrain, yTrain, wTrain, validation };
}

interface Run {
  model: Model;
  data: TrainData;
  opts: FitOptions;
  callbacks: Callback[];
  optimizer: Optimizer;
  params: Tensor[];
  /** performance.now() when fit last yielded to the event loop. */
  lastYield: number;
}

// One epoch's batches and validation; its logs, or null when the signal aborted it.
async function runEpoch(run: Run, epoch: number): Promise<Logs | null> {
  const { model, data, opts, callbacks, optimizer, params } = run;
  const { metrics, nTrain, batchSize } = data;
  const rng = Rng.fromKey(opts.seed ?? model.seed, epoch);
  const order = new Int32Array(nTrain);
  for (let i = 0; i < nTrain; i++) order[i] = i;
  if (opts.shuffle ?? true) rng.shuffle(order);
  let lossSum = 0;
  const headSums = new Float64Array(data.heads);
  let seen = 0;
  for (const hm of metrics) for (const m of hm.metrics) m.reset(); // Keras resets metric state at each epoch start
  for (let batch = 0, start = 0; start < nTrain; batch++, start += batchSize) {
    if (opts.signal?.aborted) return null;
    const idx = order.subarray(start, Math.min(start + batchSize, nTrain));
    const size = idx.length;
    for (const p of params) p.zeroGrad();
    const pick = (ts: Tensor[]): Tensor[] => ts.map((t) => gather(t, idx));
    const w = data.wTrain && gather(data.wTrain, idx);
    const r = model.runBatch(pick(data.xTrain), pick(data.yTrain), true, rng, metrics, w);
    const loss = r.loss.item(); // before this batch's update, as Keras logs it
    r.loss.backward();
    optimizer.apply(params);
    lossSum += loss * size;
    r.headLosses.forEach((l, i) => (headSums[i] += l * size));
    seen += size;
    // Running values since the epoch began, as Keras logs them.
    const batchLogs: Logs = { batch, size, ...model.logs(loss, r.headLosses, metrics) };
    for (const cb of callbacks) await cb.onBatchEnd?.(batch, batchLogs);
    if (performance.now() - run.lastYield > YIELD_EVERY_MS) {
      await yieldToEventLoop();
      run.lastYield = performance.now();
    }
    if (model.stopTraining) break;
  }
  const logs = model.logs(
    lossSum / seen,
    [...headSums].map((s) => s / seen),
    metrics,
  );
  const v = data.validation;
  if (v) {
    const vLogs = model.evaluate(v.xs, v.ys, { batchSize, sampleWeight: v.w });
    for (const [k, value] of Object.entries(vLogs)) logs[`val_${k}`] = value;
  }
  return logs;
}

/** The Keras training loop; see FitOptions for the semantics. */
export async function fitModel(model: Model, x: ModelData, y: ModelData, opts: FitOptions): Promise<History> {
  const { optimizer } = model.requireCompiled();
  const data = prepare(model, x, y, opts);
  const callbacks = opts.callbacks ?? [];
  const params = model.trainableWeights();
  const run: Run = { model, data, opts, callbacks, optimizer, params, lastYield: performance.now() };
  const history: History = { epoch: [], history: {} };
  let lastLogs: Logs | undefined;
  model.stopTraining = false;

  for (const cb of callbacks) cb.setModel?.(model);
  for (const cb of callbacks) await cb.onTrainBegin?.();
  for (let epoch = opts.initialEpoch ?? 0; epoch < opts.epochs; epoch++) {
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch);
    const logs = await runEpoch(run, epoch);
    if (!logs) {
      history.aborted = true;
      break;
    }
    history.epoch.push(epoch);
    for (const [k, value] of Object.entries(logs)) (history.history[k] ??= []).push(value);
    lastLogs = logs;
    const logged = new Set(Object.keys(logs));
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs);
    // Keras's History runs after the user callbacks, so values they add (ReduceLROnPlateau's
    // learning_rate) land in the history too.
    for (const [k, value] of Object.entries(logs)) if (!logged.has(k)) (history.history[k] ??= []).push(value);
    if (model.stopTraining) break;
  }
  for (const cb of callbacks) await cb.onTrainEnd?.(lastLogs);
  return history;
}
