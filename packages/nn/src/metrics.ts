import { shapesEqual } from '@trainyard/tensor';
import { ConfigReader, isObject, type JsonObject } from './config/reader.js';
import { NnError } from './errors.js';
import { EPS } from './losses.js';

/** How "accuracy" compares targets with predictions. */
export type AccuracyKind = 'binary' | 'categorical' | 'sparse';

type MetricKind = 'accuracy' | AccuracyKind | 'top_k' | 'sparse_top_k' | 'mae' | 'mse' | 'precision' | 'recall' | 'auc';

/** A parsed metric: what it computes and the name it is logged under. */
export interface MetricSpec {
  name: string;
  kind: MetricKind;
  /** top-k: k (Keras default 5). */
  k?: number;
  /** binary accuracy, precision, recall: the decision threshold (default 0.5). */
  threshold?: number;
  /** AUC: number of thresholds (default 200). */
  numThresholds?: number;
}

// String identifiers (snake_case after converting tfjs camelCase), each logged under the string typed.
const STRINGS: Record<string, MetricKind> = {
  accuracy: 'accuracy',
  acc: 'accuracy',
  binary_accuracy: 'binary',
  categorical_accuracy: 'categorical',
  sparse_categorical_accuracy: 'sparse',
  top_k_categorical_accuracy: 'top_k',
  sparse_top_k_categorical_accuracy: 'sparse_top_k',
  sparse_top_k: 'sparse_top_k',
  mae: 'mae',
  mean_absolute_error: 'mae',
  mse: 'mse',
  mean_squared_error: 'mse',
  precision: 'precision',
  recall: 'recall',
  auc: 'auc',
};

/**
 * Most AUC thresholds a metric may ask for. Each tracker keeps 20 bytes per threshold and every
 * prediction walks the thresholds below it, so 1e9 took a worker to 19.7 GB; 10,000 is 50× Keras's
 * default 200 and far finer than any ROC curve needs.
 */
export const MAX_AUC_THRESHOLDS = 10_000;

// Keras metric classes: kind and the default name Keras gives the object.
const CLASSES: Record<string, [MetricKind, string]> = {
  BinaryAccuracy: ['binary', 'binary_accuracy'],
  CategoricalAccuracy: ['categorical', 'categorical_accuracy'],
  SparseCategoricalAccuracy: ['sparse', 'sparse_categorical_accuracy'],
  TopKCategoricalAccuracy: ['top_k', 'top_k_categorical_accuracy'],
  SparseTopKCategoricalAccuracy: ['sparse_top_k', 'sparse_top_k_categorical_accuracy'],
  MeanAbsoluteError: ['mae', 'mean_absolute_error'],
  MeanSquaredError: ['mse', 'mean_squared_error'],
  Precision: ['precision', 'precision'],
  Recall: ['recall', 'recall'],
  AUC: ['auc', 'auc'],
};

// camelCase → snake_case, keeping single-letter words apart ('topKCategorical' → 'top_k_categorical').
const snake = (s: string): string =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();

function withDefaults(name: string, kind: MetricKind): MetricSpec {
  if (kind === 'top_k' || kind === 'sparse_top_k') return { name, kind, k: 5 };
  if (kind === 'binary' || kind === 'precision' || kind === 'recall') return { name, kind, threshold: 0.5 };
  if (kind === 'auc') return { name, kind, numThresholds: 200 };
  return { name, kind };
}

function parseClass(v: JsonObject, path: string): MetricSpec {
  const entry = typeof v.class_name === 'string' ? CLASSES[v.class_name] : undefined;
  if (!entry)
    throw new NnError('SPEC_UNKNOWN_METRIC', `unknown metric class ${JSON.stringify(v.class_name)}`, {
      path: `${path}/class_name`,
    });
  const r = new ConfigReader(isObject(v.config) ? v.config : {}, `${path}/config`, {}, 'SPEC_UNKNOWN_METRIC');
  const spec = withDefaults(r.string('name', entry[1]), entry[0]);
  if (spec.k !== undefined) spec.k = r.number('k', 5, { integer: true, min: 1 });
  if (spec.kind === 'binary') spec.threshold = r.number('threshold', 0.5);
  if (spec.kind === 'precision' || spec.kind === 'recall') {
    spec.threshold = r.number('thresholds', 0.5, { min: 0, max: 1 });
    r.unsupported(['top_k', 'class_id'], spec.kind);
  }
  if (spec.kind === 'auc') {
    spec.numThresholds = r.number('num_thresholds', 200, { integer: true, min: 2 });
    if (spec.numThresholds > MAX_AUC_THRESHOLDS) {
      r.fail(
        'num_thresholds',
        `num_thresholds must be at most ${MAX_AUC_THRESHOLDS} (Keras's default is 200), got ${spec.numThresholds}`,
        'SPEC_INVALID_METRIC_CONFIG',
      );
    }
    if (r.string('curve', 'ROC') !== 'ROC') r.fail('curve', 'only the ROC curve is supported');
    if (r.string('summation_method', 'interpolation') !== 'interpolation')
      r.fail('summation_method', 'only interpolation is supported');
    r.unsupported(['multi_label', 'thresholds', 'label_weights', 'from_logits', 'num_labels'], 'AUC');
  }
  return spec;
}

/** Parses `metrics` (names like 'accuracy', 'mae', 'auc' or {class_name, config}); duplicate names get `_1`, `_2` as in Keras 3. */
export function parseMetrics(v: unknown, path = '/metrics'): MetricSpec[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new NnError('SPEC_UNKNOWN_METRIC', 'metrics must be a list of names', { path });
  const seen = new Map<string, number>();
  return v.map((m, i) => {
    let spec: MetricSpec;
    if (isObject(m)) spec = parseClass(m, `${path}/${i}`);
    else {
      const kind = typeof m === 'string' ? STRINGS[snake(m)] : undefined;
      if (kind === undefined)
        throw new NnError(
          'SPEC_UNKNOWN_METRIC',
          `unknown metric ${JSON.stringify(m)} (supported: ${Object.keys(STRINGS).join(', ')})`,
          { path: `${path}/${i}` },
        );
      spec = withDefaults(m as string, kind);
    }
    const n = seen.get(spec.name) ?? 0;
    seen.set(spec.name, n + 1);
    return n === 0 ? spec : { ...spec, name: `${spec.name}_${n}` };
  });
}

/** Keras 3's choice for "accuracy", from per-sample output and target shapes. */
export function resolveAccuracy(outputShape: readonly number[], targetShape: readonly number[]): AccuracyKind {
  const classes = outputShape[outputShape.length - 1];
  if (classes === 1) return 'binary';
  if (targetShape.length < outputShape.length || (targetShape[targetShape.length - 1] === 1 && classes > 1))
    return 'sparse';
  return 'categorical';
}

const argmaxRow = (a: Float32Array, base: number, classes: number): number => {
  let best = 0;
  for (let c = 1; c < classes; c++) if (a[base + c] > a[base + best]) best = c;
  return best;
};

/**
 * Sum over the batch of per-sample accuracy (for binary, the per-sample mean over the last
 * axis). `yTrue` is raw targets; `yPred` has `rows × classes` values (probabilities or logits,
 * argmax does not care; binary thresholds at 0.5 as Keras does).
 */
export function sumAccuracy(
  kind: AccuracyKind,
  yTrue: Float32Array,
  yPred: Float32Array,
  rows: number,
  classes: number,
  threshold = 0.5,
): number {
  let total = 0;
  if (kind === 'binary') {
    for (let i = 0; i < yPred.length; i++) total += yTrue[i] === (yPred[i] > threshold ? 1 : 0) ? 1 : 0;
    return (total / yPred.length) * rows;
  }
  for (let r = 0; r < rows; r++) {
    const best = argmaxRow(yPred, r * classes, classes);
    const truth = kind === 'sparse' ? yTrue[r] : argmaxRow(yTrue, r * classes, classes);
    if (truth === best) total++;
  }
  return total;
}

/** One batch as metrics see it: raw targets, targets aligned to the output shape, model outputs (probabilities). */
export interface MetricBatch {
  yRaw: Float32Array;
  yTrue: Float32Array;
  yPred: Float32Array;
  rows: number;
  classes: number;
}

/** A streaming metric (Keras `Metric`): state accumulates over batches until `reset`. */
export interface Metric {
  readonly name: string;
  reset(): void;
  update(b: MetricBatch): void;
  result(): number;
}

// Keras MeanMetricWrapper: the sample-weighted mean of a per-sample value.
function meanMetric(name: string, perBatchSum: (b: MetricBatch) => number): Metric {
  let total = 0;
  let count = 0;
  return {
    name,
    reset: () => void ((total = 0), (count = 0)),
    update: (b) => void ((total += perBatchSum(b)), (count += b.rows)),
    result: () => (count === 0 ? 0 : total / count),
  };
}

// Sum over rows of "the target class is among the k highest scores" (ties count in, as tf.math.in_top_k).
function sumTopK(b: MetricBatch, k: number, sparse: boolean): number {
  let hits = 0;
  for (let r = 0; r < b.rows; r++) {
    const base = r * b.classes;
    const t = sparse ? b.yRaw[r] : argmaxRow(b.yTrue, base, b.classes);
    const score = b.yPred[base + t];
    let above = 0;
    for (let c = 0; c < b.classes; c++) if (b.yPred[base + c] > score) above++;
    if (above < k) hits++;
  }
  return hits;
}

// Element-wise error summed, then per-sample mean over the last axis, summed over rows.
function sumError(b: MetricBatch, f: (e: number) => number): number {
  let s = 0;
  for (let i = 0; i < b.yPred.length; i++) s += f(b.yPred[i] - b.yTrue[i]);
  return s / b.classes;
}

// Keras Precision/Recall: true/false positive and false negative counts over every element, prediction > threshold.
function confusionMetric(name: string, threshold: number, recall: boolean): Metric {
  let tp = 0;
  let other = 0; // fp for precision, fn for recall
  return {
    name,
    reset: () => void ((tp = 0), (other = 0)),
    update: (b) => {
      for (let i = 0; i < b.yPred.length; i++) {
        const pos = b.yTrue[i] !== 0;
        const predPos = b.yPred[i] > threshold;
        if (pos && predPos) tp++;
        else if (recall ? pos && !predPos : !pos && predPos) other++;
      }
    },
    result: () => (tp + other === 0 ? 0 : tp / (tp + other)),
  };
}

/**
 * Keras AUC() default: ROC curve, thresholds {−ε, 1/(n−1), …, (n−2)/(n−1), 1+ε} in float32,
 * confusion counts per threshold (prediction > threshold), trapezoidal (interpolation) sum.
 */
function aucMetric(name: string, n: number): Metric {
  const th = new Float32Array(n);
  th[0] = -EPS;
  for (let i = 1; i < n - 1; i++) th[i] = i / (n - 1);
  th[n - 1] = 1 + EPS;
  const tp = new Float64Array(n);
  const fp = new Float64Array(n);
  const pos = { total: 0, neg: 0 };
  return {
    name,
    reset: () => {
      tp.fill(0);
      fp.fill(0);
      pos.total = 0;
      pos.neg = 0;
    },
    update: (b) => {
      for (let i = 0; i < b.yPred.length; i++) {
        const p = b.yPred[i];
        const isPos = b.yTrue[i] !== 0;
        if (isPos) pos.total++;
        else pos.neg++;
        const counts = isPos ? tp : fp;
        for (let j = 0; j < n && p > th[j]; j++) counts[j]++;
      }
    },
    result: () => {
      let area = 0;
      const rate = (c: number, total: number): number => (total === 0 ? 0 : c / total);
      for (let j = 0; j < n - 1; j++) {
        const dx = rate(fp[j], pos.neg) - rate(fp[j + 1], pos.neg);
        area += (dx * (rate(tp[j], pos.total) + rate(tp[j + 1], pos.total))) / 2;
      }
      return area;
    },
  };
}

/** Fresh trackers for `specs`, given per-sample output and target shapes; throws SPEC_INCOMPATIBLE_TARGETS. */
export function createMetrics(
  specs: readonly MetricSpec[],
  outputShape: readonly number[],
  targetShape: readonly number[],
): Metric[] {
  const classes = outputShape[outputShape.length - 1];
  const sparseTargets =
    shapesEqual(targetShape, outputShape.slice(0, -1)) || shapesEqual(targetShape, [...outputShape.slice(0, -1), 1]);
  return specs.map((s) => {
    const fail = (why: string): never => {
      throw new NnError('SPEC_INCOMPATIBLE_TARGETS', `metric ${s.name}: ${why}`);
    };
    switch (s.kind) {
      case 'accuracy':
      case 'binary':
      case 'categorical':
      case 'sparse': {
        const kind = s.kind === 'accuracy' ? resolveAccuracy(outputShape, targetShape) : s.kind;
        if (kind === 'sparse' && !sparseTargets) fail('targets must be class indices');
        if (kind === 'categorical' && !shapesEqual(targetShape, outputShape))
          fail('targets must be one-hot rows of the output shape');
        return meanMetric(s.name, (b) =>
          sumAccuracy(kind, kind === 'categorical' ? b.yTrue : b.yRaw, b.yPred, b.rows, b.classes, s.threshold),
        );
      }
      case 'top_k':
      case 'sparse_top_k': {
        const sparse = s.kind === 'sparse_top_k';
        if (sparse ? !sparseTargets : !shapesEqual(targetShape, outputShape))
          fail(sparse ? 'targets must be class indices' : 'targets must be one-hot rows of the output shape');
        if (classes < 2) fail('top-k needs a multi-class output');
        return meanMetric(s.name, (b) => sumTopK(b, s.k ?? 5, sparse));
      }
      case 'mae':
        return meanMetric(s.name, (b) => sumError(b, Math.abs));
      case 'mse':
        return meanMetric(s.name, (b) => sumError(b, (e) => e * e));
      case 'precision':
      case 'recall':
        return confusionMetric(s.name, s.threshold ?? 0.5, s.kind === 'recall');
      case 'auc':
        return aucMetric(s.name, s.numThresholds ?? 200);
    }
  });
}
