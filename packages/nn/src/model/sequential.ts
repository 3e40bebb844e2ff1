import { add, contiguousData, formatShape, noGrad, Rng, shapesEqual, softmax, Tensor } from '@trainyard/tensor';
import type { History, Logs } from '../callbacks.js';
import type { JsonObject } from '../config/reader.js';
import { NnError } from '../errors.js';
import { Activation } from '../layers/activation.js';
import { Dense, MAX_WEIGHT_SIZE } from '../layers/dense.js';
import type { Layer } from '../layers/layer.js';
import { alignTargets, checkLabels, checkTargets, computeLoss, parseLoss, type LossSpec } from '../losses.js';
import { createMetrics, parseMetrics, type Metric, type MetricSpec } from '../metrics.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { parseOptimizer } from '../optimizers/registry.js';
import { isRegularized } from '../regularizers.js';
import { fitModel, type FitOptions } from './fit.js';
import { checkBatchSize, sliceRows } from './data.js';
import { sampleWeights } from './sample-weights.js';
import { analyse, type Analysis, type SpecOptions } from './spec.js';
import { renderSummary } from './summary.js';

/** Arguments of `compile`, with Keras (snake_case) names. */
export interface CompileArgs {
  optimizer: string | { class_name: string; config?: Record<string, unknown> };
  loss: string | { class_name: string; config?: Record<string, unknown> };
  /** Names ('accuracy', 'mae', 'auc', …) or Keras metric objects ({class_name: 'AUC', config}). */
  metrics?: (string | { class_name: string; config?: Record<string, unknown> })[];
}

interface Compiled {
  optimizer: Optimizer;
  loss: LossSpec;
  metrics: MetricSpec[];
  /** Softmax output + crossentropy: compute the loss from logits (Keras on TF does the same). */
  fused: boolean;
}

/** Result of one forward pass over a batch. */
export interface BatchResult {
  loss: Tensor;
}

/** A linear stack of layers built from a Keras Sequential config. */
export class Sequential {
  readonly name: string;
  readonly layers: readonly Layer[];
  /** Per-sample input shape (no batch axis). */
  readonly inputShape: readonly number[];
  /** Per-sample output shape (no batch axis). */
  readonly outputShape: readonly number[];
  readonly seed: number;
  /** Set to true (e.g. from a callback) to stop fit after the current batch. */
  stopTraining = false;
  private readonly analysis: Analysis;
  private compiled: Compiled | null = null;

  constructor(analysis: Analysis, seed: number) {
    this.analysis = analysis;
    this.name = analysis.name;
    this.seed = seed;
    this.layers = analysis.layers.map((a) => a.layer);
    this.inputShape = analysis.inputShape;
    this.outputShape = analysis.layers[analysis.layers.length - 1].outputShape.slice(1) as number[];
    const rng = new Rng(seed);
    for (const a of analysis.layers) {
      if (a.params > MAX_WEIGHT_SIZE) {
        throw new NnError('SPEC_INVALID_LAYER_CONFIG', `layer "${a.layer.name}" (index ${a.entry.index}) has ${a.params} parameters, more than ${MAX_WEIGHT_SIZE} allowed per layer`, {
          layer: a.layer.name,
          index: a.entry.index,
          path: a.entry.path,
        });
      }
      a.layer.build(a.inputShape, rng);
    }
  }

  /** Log names in order, e.g. ['loss', 'accuracy']. */
  get metricsNames(): string[] {
    return ['loss', ...(this.compiled?.metrics ?? []).map((m) => m.name)];
  }

  /** The compiled optimizer (for checkpointing its state), or null before compile. */
  get optimizer(): Optimizer | null {
    return this.compiled?.optimizer ?? null;
  }

  /** Sets optimizer, loss and metrics (Keras names); throws NnError. */
  compile(c: CompileArgs): void {
    const optimizer = parseOptimizer(c.optimizer);
    const loss = parseLoss(c.loss);
    const metrics = parseMetrics(c.metrics);
    const last = this.layers[this.layers.length - 1];
    const softmaxOut = (last instanceof Dense || last instanceof Activation) && last.activation === 'softmax';
    const crossentropy = loss.name === 'categorical_crossentropy' || loss.name === 'sparse_categorical_crossentropy';
    optimizer.build(this.trainableWeights());
    this.compiled = { optimizer, loss, metrics, fused: softmaxOut && crossentropy && !loss.fromLogits };
  }

  /** Trains on (x, y) with Keras semantics; see FitOptions. Resolves with the per-epoch history. */
  fit(x: Tensor, y: Tensor, opts: FitOptions): Promise<History> {
    return fitModel(this, x, y, opts);
  }

  /** Loss and metrics over (x, y) in inference mode, batch-size-weighted; `sampleWeight` [N] weights the loss as in fit. */
  evaluate(x: Tensor, y: Tensor, opts: { batchSize?: number; sampleWeight?: Float32Array | Tensor } = {}): Logs {
    const metrics = this.checkData(x, y);
    const weights = sampleWeights(y, opts.sampleWeight, undefined);
    const w = weights && new Tensor(weights, [weights.length]);
    const n = x.shape[0];
    const bs = checkBatchSize(opts.batchSize ?? 32);
    let lossSum = 0;
    noGrad(() => {
      for (let start = 0; start < n; start += bs) {
        const size = Math.min(bs, n - start);
        const r = this.runBatch(sliceRows(x, start, size), sliceRows(y, start, size), false, undefined, metrics, w && sliceRows(w, start, size));
        lossSum += r.loss.item() * size;
      }
    });
    const logs: Logs = { loss: lossSum / n };
    for (const m of metrics) logs[m.name] = m.result();
    return logs;
  }

  /** Outputs for x in inference mode, computed in batches and concatenated. */
  predict(x: Tensor, opts: { batchSize?: number } = {}): Tensor {
    this.checkInput(x);
    const n = x.shape[0];
    const bs = checkBatchSize(opts.batchSize ?? 32);
    const row = this.outputShape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(n * row);
    noGrad(() => {
      for (let start = 0; start < n; start += bs) {
        const size = Math.min(bs, n - start);
        out.set(this.call(sliceRows(x, start, size), { training: false }).data, start * row);
      }
    });
    return new Tensor(out, [n, ...this.outputShape]);
  }

  /** Runs every layer on x. */
  call(x: Tensor, args: { training: boolean; rng?: Rng }): Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.call(h, args);
    return h;
  }

  /** @internal Loss (with graph, when grad mode is on) for one batch, weighted by `sampleWeight` [N] if given; updates the streaming `metrics`. */
  runBatch(xb: Tensor, yb: Tensor, training: boolean, rng: Rng | undefined, metrics: readonly Metric[], sampleWeight?: Tensor): BatchResult {
    const c = this.requireCompiled();
    const args = { training, rng };
    let h = xb;
    const lastIndex = this.layers.length - 1;
    for (let i = 0; i < lastIndex; i++) h = this.layers[i].call(h, args);
    const last = this.layers[lastIndex];
    let pred: Tensor;
    if (c.fused) pred = last instanceof Dense ? last.callLinear(h) : h;
    else pred = last.call(h, args);
    const target = alignTargets(c.loss, yb, pred.shape);
    let loss = computeLoss(c.loss, target, pred, c.fused || c.loss.fromLogits, sampleWeight);
    // Keras adds the weight penalties to the loss it trains on and reports (evaluate too).
    for (const layer of this.layers) {
      const p = isRegularized(layer) ? layer.regularizationLoss() : null;
      if (p) loss = add(loss, p);
    }
    if (metrics.length > 0) {
      // Metrics see the model's output: probabilities, also when the loss used the fused logits.
      const out = c.fused ? noGrad(() => softmax(pred, -1)) : pred;
      const batch = { yRaw: contiguousData(yb), yTrue: contiguousData(target), yPred: contiguousData(out), rows: xb.shape[0], classes: pred.shape[pred.ndim - 1] };
      for (const m of metrics) m.update(batch);
    }
    return { loss };
  }

  /** @internal Validates x against the model input; throws SPEC_SHAPE_MISMATCH. */
  checkInput(x: Tensor): void {
    if (x.ndim < 1 || !shapesEqual(x.shape.slice(1), this.inputShape)) {
      throw new NnError('SPEC_SHAPE_MISMATCH', `the model expects input of shape ${formatShape([null, ...this.inputShape])}, got ${formatShape(x.shape)}`);
    }
  }

  /** @internal Validates x and y for the compiled loss and metrics; returns fresh metric trackers. */
  checkData(x: Tensor, y: Tensor): Metric[] {
    const c = this.requireCompiled();
    this.checkInput(x);
    if (y.ndim < 1 || y.shape[0] !== x.shape[0]) {
      throw new NnError('SPEC_INCOMPATIBLE_TARGETS', `x has ${x.shape[0]} samples but y has shape ${formatShape(y.shape)}`);
    }
    checkTargets(c.loss, this.outputShape, y.shape.slice(1));
    checkLabels(c.loss, y, this.outputShape[this.outputShape.length - 1]);
    return createMetrics(c.metrics, this.outputShape, y.shape.slice(1));
  }

  /** @internal */
  requireCompiled(): Compiled {
    if (!this.compiled) throw new NnError('SPEC_NOT_COMPILED', 'the model must be compiled before training or evaluation');
    return this.compiled;
  }

  /** Weights the optimizer updates, in layer order. */
  trainableWeights(): Tensor[] {
    // requiresGrad marks trainable weights; BatchNormalization's moving statistics are not.
    return this.layers.filter((l) => l.trainable).flatMap((l) => l.weights.filter((w) => w.requiresGrad));
  }

  /** Total parameter count. */
  countParams(): number {
    return this.analysis.layers.reduce((s, a) => s + a.params, 0);
  }

  /** Copies of all weights in Keras order (per layer: kernel, bias). */
  getWeights(): Tensor[] {
    return this.layers.flatMap((l) => l.weights.map((w) => new Tensor(w.data.slice(), w.shape)));
  }

  /** Replaces all weights (same order and shapes as getWeights); throws SPEC_SHAPE_MISMATCH. */
  setWeights(weights: readonly Tensor[]): void {
    const own = this.layers.flatMap((l) => l.weights.map((w, i) => ({ w, name: `${l.name}/${l.weightNames()[i]}` })));
    if (weights.length !== own.length) throw new NnError('SPEC_SHAPE_MISMATCH', `the model has ${own.length} weights, got ${weights.length}`);
    own.forEach(({ w, name }, i) => {
      if (!shapesEqual(w.shape, weights[i].shape)) {
        throw new NnError('SPEC_SHAPE_MISMATCH', `weight ${name} has shape ${formatShape(w.shape)}, got ${formatShape(weights[i].shape)}`);
      }
    });
    own.forEach(({ w }, i) => w.data.set(weights[i].data));
  }

  /** A Keras-2-style summary table. */
  summary(): string {
    return renderSummary(this.name, this.analysis.layers, this.countParams(), this.trainableWeights().reduce((s, w) => s + w.size, 0));
  }

  /** Keras 2 style config (InputLayer first, every default written out), loadable by TF.js. */
  toJSON(): JsonObject {
    const input = {
      class_name: 'InputLayer',
      config: { batch_input_shape: [null, ...this.inputShape], dtype: 'float32', sparse: false, ragged: false, name: this.analysis.inputLayerName },
    };
    const layers = this.layers.map((l) => ({ class_name: l.className, config: l.getConfig() }));
    return { class_name: 'Sequential', config: { name: this.name, layers: [input, ...layers] }, keras_version: '2.x-compatible', backend: 'tensorflow' };
  }
}

/** Builds a model and initialises its weights from `seed` (default: random). Throws NnError. */
export function modelFromJson(modelConfig: unknown, opts: SpecOptions & { seed?: number } = {}): Sequential {
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  return new Sequential(analyse(modelConfig, opts), seed);
}

