import { gather, Rng, Tensor } from '@trainyard/tensor';
import type { Callback, History, Logs } from '../callbacks.js';
import { NnError } from '../errors.js';
import { checkBatchSize, sliceRows } from './data.js';
import { sampleWeights } from './sample-weights.js';
import type { Sequential } from './sequential.js';

/** Options of `Sequential.fit` (Keras names in camelCase). */
export interface FitOptions {
  epochs: number;
  /** Default 32. */
  batchSize?: number;
  /** Fraction in (0, 1): the LAST part of x/y, taken before shuffling. */
  validationSplit?: number;
  /** [x, y] or Keras's [x, y, sampleWeight], whose weights apply to val_loss. */
  validationData?: [Tensor, Tensor] | [Tensor, Tensor, Float32Array | Tensor];
  /** Reshuffle the training samples every epoch (default true). */
  shuffle?: boolean;
  /** Seed of shuffling and dropout (default: the model's seed). Epoch e uses Rng.fromKey(seed, e), so resuming at initialEpoch replays the same order. */
  seed?: number;
  /** First epoch index (for resuming); default 0. */
  initialEpoch?: number;
  /** Checked before every batch: when aborted, fit stops at that batch boundary and resolves with `aborted: true`. */
  signal?: AbortSignal;
  callbacks?: Callback[];
  /** Keras class_weight: each training sample's loss is multiplied by the weight of its class (missing classes: 1). */
  classWeight?: Record<number, number>;
  /** Keras sample_weight, one value per sample of x; multiplies class weights. The validation_split part weights val_loss. */
  sampleWeight?: Float32Array | Tensor;
}

// Lets the event loop deliver abort signals and messages during long CPU-bound epochs.
const YIELD_EVERY_MS = 50;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function fitError(message: string, path: string): never {
  throw new NnError('SPEC_INVALID_FIT_CONFIG', message, { path });
}

function validate(opts: FitOptions): void {
  if (!Number.isSafeInteger(opts.epochs) || opts.epochs < 0) fitError(`epochs must be a non-negative integer, got ${opts.epochs}`, '/epochs');
  const initial = opts.initialEpoch ?? 0;
  if (!Number.isSafeInteger(initial) || initial < 0) fitError(`initialEpoch must be a non-negative integer, got ${initial}`, '/initial_epoch');
  const split = opts.validationSplit ?? 0;
  if (!(split >= 0 && split < 1)) fitError(`validation_split must be in [0, 1), got ${split}`, '/validation_split');
  if (split > 0 && opts.validationData) fitError('give validation_split or validation_data, not both', '/validation_split');
}

/** The Keras training loop; see FitOptions for the semantics. */
export async function fitModel(model: Sequential, x: Tensor, y: Tensor, opts: FitOptions): Promise<History> {
  const compiled = model.requireCompiled();
  validate(opts);
  const metrics = model.checkData(x, y);
  const batchSize = checkBatchSize(opts.batchSize ?? 32);
  const n = x.shape[0];
  const split = opts.validationSplit ?? 0;
  let nTrain = n;
  const givenWeights = sampleWeights(y, opts.sampleWeight, undefined);
  let validation: [Tensor, Tensor, (Float32Array | Tensor)?] | undefined = opts.validationData;
  if (split > 0) {
    nTrain = Math.floor(n * (1 - split));
    if (nTrain === 0 || nTrain === n) fitError(`validation_split ${split} of ${n} samples leaves an empty training or validation set`, '/validation_split');
    // Keras splits sample_weight with x and y, so the validation part keeps its weights (class_weight it does not).
    validation = [sliceRows(x, nTrain, n - nTrain), sliceRows(y, nTrain, n - nTrain), givenWeights?.subarray(nTrain)];
  }
  if (validation) {
    model.checkData(validation[0], validation[1]);
    sampleWeights(validation[1], validation[2], undefined); // fail before training, not after the first epoch
  }
  const xTrain = sliceRows(x, 0, nTrain);
  const yTrain = sliceRows(y, 0, nTrain);
  const trainWeights = sampleWeights(yTrain, givenWeights?.subarray(0, nTrain), opts.classWeight);
  const wTrain = trainWeights ? new Tensor(trainWeights, [nTrain]) : undefined;
  const seed = opts.seed ?? model.seed;
  const callbacks = opts.callbacks ?? [];
  const params = model.trainableWeights();
  const history: History = { epoch: [], history: {} };
  let lastLogs: Logs | undefined;
  let lastYield = performance.now();
  model.stopTraining = false;

  for (const cb of callbacks) cb.setModel?.(model);
  for (const cb of callbacks) await cb.onTrainBegin?.();
  epochs: for (let epoch = opts.initialEpoch ?? 0; epoch < opts.epochs; epoch++) {
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch);
    const rng = Rng.fromKey(seed, epoch);
    const order = new Int32Array(nTrain);
    for (let i = 0; i < nTrain; i++) order[i] = i;
    if (opts.shuffle ?? true) rng.shuffle(order);
    let lossSum = 0;
    let seen = 0;
    for (const m of metrics) m.reset(); // Keras resets metric state at each epoch start
    for (let batch = 0, start = 0; start < nTrain; batch++, start += batchSize) {
      if (opts.signal?.aborted) {
        history.aborted = true;
        break epochs;
      }
      const idx = order.subarray(start, Math.min(start + batchSize, nTrain));
      const size = idx.length;
      for (const p of params) p.zeroGrad();
      const r = model.runBatch(gather(xTrain, idx), gather(yTrain, idx), true, rng, metrics, wTrain && gather(wTrain, idx));
      const loss = r.loss.item(); // before this batch's update, as Keras logs it
      r.loss.backward();
      compiled.optimizer.apply(params);
      lossSum += loss * size;
      seen += size;
      const batchLogs: Logs = { batch, size, loss };
      for (const m of metrics) batchLogs[m.name] = m.result(); // running value since the epoch began, as Keras logs it
      for (const cb of callbacks) await cb.onBatchEnd?.(batch, batchLogs);
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
      if (model.stopTraining) break;
    }
    const logs: Logs = { loss: lossSum / seen };
    for (const m of metrics) logs[m.name] = m.result();
    if (validation) {
      const v = model.evaluate(validation[0], validation[1], { batchSize, sampleWeight: validation[2] });
      for (const [k, value] of Object.entries(v)) logs[`val_${k}`] = value;
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
