import { add, contiguousData, formatShape, mul, noGrad, Rng, shapesEqual, softmax, Tensor } from '@trainyard/tensor';
import type { History, Logs } from '../callbacks.js';
import type { JsonObject } from '../config/reader.js';
import { NnError } from '../errors.js';
import { Activation } from '../layers/activation.js';
import { Dense, MAX_WEIGHT_SIZE } from '../layers/dense.js';
import type { Layer } from '../layers/layer.js';
import { MergeLayer } from '../layers/merge.js';
import { alignTargets, checkLabels, checkTargets, computeLoss } from '../losses.js';
import { createMetrics, type Metric } from '../metrics.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { parseOptimizer } from '../optimizers/registry.js';
import { isRegularized } from '../regularizers.js';
import { logNames, resolveHeads, type CompileArgs, type HeadSpec } from './compile.js';
import { checkBatchSize, checkRows, sliceRows, toList, type ModelData } from './data.js';
import { fitModel, type FitOptions } from './fit.js';
import { modelConfigJson } from './model-json.js';
import { sampleWeights } from './sample-weights.js';
import { analyse, outputsOf, type AnalysedLayer, type Analysis, type ModelInput, type SpecOptions } from './spec.js';
import { renderSummary } from './summary.js';

export type { ModelData } from './data.js';

/** One output's streaming metric trackers for a pass over some data. */
export interface HeadMetrics {
  /** Log name of each tracker: the metric's name after the output's prefix. */
  names: string[];
  metrics: Metric[];
}

/** Result of one forward pass over a batch. */
export interface BatchResult {
  /** The weighted total the optimizer minimises, regularisation penalties included. */
  loss: Tensor;
  /** Each output's unweighted loss (Keras logs them as `<output>_loss` when there are several). */
  headLosses: number[];
}

interface Head extends HeadSpec {
  /** The output's value index in the graph (see AnalysedLayer.inbound). */
  value: number;
  /** Softmax output + crossentropy: the loss is computed from the logits (as Keras on TF does). */
  fused: boolean;
}

interface Compiled {
  optimizer: Optimizer;
  heads: Head[];
  /** Values of the fused heads: the forward pass leaves them before their softmax. */
  logits: ReadonlySet<number>;
}

/**
 * A Keras model: a Sequential stack or a functional graph (several inputs, branches, merges,
 * several outputs), built from its Keras JSON. Layers run in topological order on a list of
 * values: the model inputs first, then every layer's output.
 */
export class Model {
  readonly kind: 'sequential' | 'functional';
  readonly name: string;
  /** Layers in topological order. */
  readonly layers: readonly Layer[];
  /** Input layer names and per-sample shapes (no batch axis), in model order. */
  readonly inputs: readonly ModelInput[];
  /** Output layer names and per-sample shapes (no batch axis), in model order. */
  readonly outputs: readonly { name: string; shape: number[] }[];
  readonly seed: number;
  /** Set to true (e.g. from a callback) to stop fit after the current batch. */
  stopTraining = false;
  private readonly analysis: Analysis;
  private compiled: Compiled | null = null;

  constructor(analysis: Analysis, seed: number) {
    this.analysis = analysis;
    this.kind = analysis.kind;
    this.name = analysis.name;
    this.seed = seed;
    this.layers = analysis.layers.map((a) => a.layer);
    this.inputs = analysis.inputs;
    this.outputs = outputsOf(analysis);
    const rng = new Rng(seed);
    for (const a of analysis.layers) {
      if (a.params > MAX_WEIGHT_SIZE) {
        throw new NnError(
          'SPEC_INVALID_LAYER_CONFIG',
          `layer "${a.layer.name}" (index ${a.entry.index}) has ${a.params} parameters, more than ${MAX_WEIGHT_SIZE} allowed per layer`,
          {
            layer: a.layer.name,
            index: a.entry.index,
            path: a.entry.path,
          },
        );
      }
      a.layer.build(a.inputShapes[0], rng);
    }
  }

  /** Per-sample shape of the first (for most models the only) input. */
  get inputShape(): readonly number[] {
    return this.inputs[0].shape;
  }

  /** Per-sample shape of the first (for most models the only) output. */
  get outputShape(): readonly number[] {
    return this.outputs[0].shape;
  }

  /** Log names in order, e.g. ['loss', 'accuracy'], or for two outputs ['loss', 'a_loss', 'b_loss', 'a_accuracy', …]. */
  get metricsNames(): string[] {
    return logNames(this.compiled?.heads ?? []);
  }

  /** The compiled optimizer (for checkpointing its state), or null before compile. */
  get optimizer(): Optimizer | null {
    return this.compiled?.optimizer ?? null;
  }

  /** Sets optimizer, losses and metrics (Keras names and forms, see CompileArgs); throws NnError. */
  compile(c: CompileArgs): void {
    const optimizer = parseOptimizer(c.optimizer);
    const specs = resolveHeads(
      c,
      this.outputs.map((o) => o.name),
    );
    const consumed = new Set(this.analysis.layers.flatMap((a) => a.inbound));
    const heads = specs.map((h, i): Head => {
      const value = this.analysis.outputs[i];
      const layer = this.layerOf(value);
      const softmaxOut = (layer instanceof Dense || layer instanceof Activation) && layer.activation === 'softmax';
      const crossentropy =
        h.loss.name === 'categorical_crossentropy' || h.loss.name === 'sparse_categorical_crossentropy';
      // Only an output no other layer reads may stop at its logits (outputs are distinct: see spec.ts).
      const fused = softmaxOut && crossentropy && !h.loss.fromLogits && !consumed.has(value);
      return { ...h, value, fused };
    });
    optimizer.build(this.trainableWeights());
    this.compiled = { optimizer, heads, logits: new Set(heads.filter((h) => h.fused).map((h) => h.value)) };
  }

  /** Trains on (x, y) with Keras semantics; see FitOptions. Resolves with the per-epoch history. */
  fit(x: ModelData, y: ModelData, opts: FitOptions): Promise<History> {
    return fitModel(this, x, y, opts);
  }

  /** Loss and metrics over (x, y) in inference mode, batch-size-weighted; `sampleWeight` [N] weights the loss as in fit. */
  evaluate(x: ModelData, y: ModelData, opts: { batchSize?: number; sampleWeight?: Float32Array | Tensor } = {}): Logs {
    const xs = this.toInputs(x);
    const ys = this.toTargets(y);
    const metrics = this.checkData(xs, ys);
    const weights = sampleWeights(ys[0], opts.sampleWeight, undefined);
    const w = weights && new Tensor(weights, [weights.length]);
    const n = xs[0].shape[0];
    const bs = checkBatchSize(opts.batchSize ?? 32);
    const sums = new Float64Array(1 + ys.length);
    noGrad(() => {
      for (let start = 0; start < n; start += bs) {
        const size = Math.min(bs, n - start);
        const rows = (ts: Tensor[]): Tensor[] => ts.map((t) => sliceRows(t, start, size));
        const r = this.runBatch(rows(xs), rows(ys), false, undefined, metrics, w && sliceRows(w, start, size));
        sums[0] += r.loss.item() * size;
        r.headLosses.forEach((l, i) => (sums[i + 1] += l * size));
      }
    });
    return this.logs(
      sums[0] / n,
      [...sums.subarray(1)].map((s) => s / n),
      metrics,
    );
  }

  /** @internal Keras-named logs from a total loss, per-output losses and metric trackers. */
  logs(loss: number, headLosses: readonly number[], metrics: readonly HeadMetrics[]): Logs {
    const logs: Logs = { loss };
    const heads = this.requireCompiled().heads;
    if (heads.length > 1) heads.forEach((h, i) => (logs[`${h.prefix}loss`] = headLosses[i]));
    for (const hm of metrics) hm.metrics.forEach((m, i) => (logs[hm.names[i]] = m.result()));
    return logs;
  }

  /** The outputs of a single-output model for x in inference mode, computed in batches. */
  predict(x: ModelData, opts: { batchSize?: number } = {}): Tensor {
    if (this.outputs.length !== 1)
      throw new NnError('SPEC_SHAPE_MISMATCH', `the model has ${this.outputs.length} outputs; use predictOutputs`);
    return this.predictOutputs(x, opts)[0];
  }

  /** Every output for x in inference mode (model output order), computed in batches. */
  predictOutputs(x: ModelData, opts: { batchSize?: number } = {}): Tensor[] {
    const xs = this.toInputs(x);
    const n = checkRows(xs, this.inputs);
    const bs = checkBatchSize(opts.batchSize ?? 32);
    const rows = this.outputs.map((o) => o.shape.reduce((a, b) => a * b, 1));
    const outs = rows.map((row) => new Float32Array(n * row));
    noGrad(() => {
      for (let start = 0; start < n; start += bs) {
        const size = Math.min(bs, n - start);
        const ys = this.run(
          xs.map((t) => sliceRows(t, start, size)),
          { training: false },
        );
        ys.forEach((y, i) => outs[i].set(contiguousData(y), start * rows[i]));
      }
    });
    return this.outputs.map((o, i) => new Tensor(outs[i], [n, ...o.shape]));
  }

  /** Runs the graph on one batch; returns the outputs in model order. */
  call(x: ModelData, args: { training: boolean; rng?: Rng }): Tensor[] {
    return this.run(this.toInputs(x), args);
  }

  // Evaluates every layer on the values before it; `logits` holds output values to leave before their softmax.
  private run(xs: readonly Tensor[], args: { training: boolean; rng?: Rng }, logits?: ReadonlySet<number>): Tensor[] {
    const values: Tensor[] = [...xs];
    const first = xs.length;
    this.analysis.layers.forEach((a, j) => {
      const inputs = a.inbound.map((v) => values[v]);
      if (logits?.has(first + j)) values.push(a.layer instanceof Dense ? a.layer.callLinear(inputs[0]) : inputs[0]);
      else values.push(a.layer instanceof MergeLayer ? a.layer.merge(inputs, args) : a.layer.call(inputs[0], args));
    });
    return this.analysis.outputs.map((v) => values[v]);
  }

  /** @internal Loss (with graph, when grad mode is on) for one batch, weighted by `sampleWeight` [N] if given; updates the streaming `metrics`. */
  runBatch(
    xs: readonly Tensor[],
    ys: readonly Tensor[],
    training: boolean,
    rng: Rng | undefined,
    metrics: readonly HeadMetrics[],
    sampleWeight?: Tensor,
  ): BatchResult {
    const { heads, logits } = this.requireCompiled();
    const preds = this.run(xs, { training, rng }, logits);
    let loss: Tensor | null = null;
    const headLosses: number[] = [];
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      const pred = preds[i];
      const target = alignTargets(h.loss, ys[i], pred.shape);
      const l = computeLoss(h.loss, target, pred, h.fused || h.loss.fromLogits, sampleWeight);
      if (heads.length > 1) headLosses.push(l.item());
      const weighted = h.weight === 1 ? l : mul(l, h.weight);
      loss = loss ? add(loss, weighted) : weighted;
      if (metrics[i].metrics.length > 0) {
        // Metrics see the model's output: probabilities, also when the loss used the fused logits.
        const out = h.fused ? noGrad(() => softmax(pred, -1)) : pred;
        const batch = {
          yRaw: contiguousData(ys[i]),
          yTrue: contiguousData(target),
          yPred: contiguousData(out),
          rows: xs[0].shape[0],
          classes: pred.shape[pred.ndim - 1],
        };
        for (const m of metrics[i].metrics) m.update(batch);
      }
    }
    // Keras adds the weight penalties to the loss it trains on and reports (evaluate too).
    for (const layer of this.layers) {
      const p = isRegularized(layer) ? layer.regularizationLoss() : null;
      if (p) loss = add(loss as Tensor, p);
    }
    return { loss: loss as Tensor, headLosses };
  }

  /** @internal The inputs as a list in model order; throws SPEC_SHAPE_MISMATCH. */
  toInputs(x: ModelData): Tensor[] {
    return toList(x, this.inputs, 'input');
  }

  /** @internal The targets as a list in model output order; throws SPEC_INCOMPATIBLE_TARGETS. */
  toTargets(y: ModelData): Tensor[] {
    return toList(y, this.outputs, 'output');
  }

  /** @internal Validates x and y for the compiled losses and metrics; returns fresh metric trackers per output. */
  checkData(xs: readonly Tensor[], ys: readonly Tensor[]): HeadMetrics[] {
    const { heads } = this.requireCompiled();
    const n = checkRows(xs, this.inputs);
    return heads.map((h, i) => {
      const y = ys[i];
      const shape = this.outputs[i].shape;
      const which = heads.length > 1 ? ` for output "${h.output}"` : '';
      if (y.ndim < 1 || y.shape[0] !== n)
        throw new NnError(
          'SPEC_INCOMPATIBLE_TARGETS',
          `x has ${n} samples but y${which} has shape ${formatShape(y.shape)}`,
        );
      try {
        checkTargets(h.loss, shape, y.shape.slice(1));
        checkLabels(h.loss, y, shape[shape.length - 1]);
        const metrics = createMetrics(h.metrics, shape, y.shape.slice(1));
        return { metrics, names: metrics.map((m) => h.prefix + m.name) };
      } catch (e) {
        if (e instanceof NnError && which) throw new NnError(e.code, `output "${h.output}": ${e.message}`, e.details);
        throw e;
      }
    });
  }

  /** @internal */
  requireCompiled(): Compiled {
    if (!this.compiled)
      throw new NnError('SPEC_NOT_COMPILED', 'the model must be compiled before training or evaluation');
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
    if (weights.length !== own.length)
      throw new NnError('SPEC_SHAPE_MISMATCH', `the model has ${own.length} weights, got ${weights.length}`);
    own.forEach(({ w, name }, i) => {
      if (!shapesEqual(w.shape, weights[i].shape)) {
        throw new NnError(
          'SPEC_SHAPE_MISMATCH',
          `weight ${name} has shape ${formatShape(w.shape)}, got ${formatShape(weights[i].shape)}`,
        );
      }
    });
    own.forEach(({ w }, i) => w.data.set(weights[i].data));
  }

  /** A Keras-2-style summary table (functional models add the "Connected to" column). */
  summary(): string {
    const trainable = this.trainableWeights().reduce((s, w) => s + w.size, 0);
    const sources =
      this.kind === 'functional' ? (a: AnalysedLayer) => a.inbound.map((v) => `${this.valueName(v)}[0][0]`) : undefined;
    return renderSummary(this.name, this.analysis, this.countParams(), trainable, sources);
  }

  // The layer whose output is value `v` (model inputs have none).
  private layerOf(v: number): Layer | undefined {
    return this.layers[v - this.inputs.length];
  }

  private valueName(v: number): string {
    return v < this.inputs.length ? this.inputs[v].name : (this.layerOf(v) as Layer).name;
  }

  /** Keras 2 style config (InputLayers included, every default written out), loadable by TF.js. */
  toJSON(): JsonObject {
    return modelConfigJson(this.analysis, (v) => this.valueName(v));
  }
}

/** Builds a model and initialises its weights from `seed` (default: random). Throws NnError. */
export function modelFromJson(modelConfig: unknown, opts: SpecOptions & { seed?: number } = {}): Model {
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  return new Model(analyse(modelConfig, opts), seed);
}
