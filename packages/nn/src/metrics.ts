import { NnError } from './errors.js';

/** How "accuracy" compares targets with predictions. */
export type AccuracyKind = 'binary' | 'categorical' | 'sparse';

/** Validates `metrics`; returns the accuracy name as typed ('accuracy' or 'acc'), or null. */
export function parseMetrics(v: unknown, path = '/metrics'): string | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) throw new NnError('SPEC_UNKNOWN_METRIC', 'metrics must be a list of names', { path });
  let accuracy: string | null = null;
  v.forEach((m, i) => {
    if (m !== 'accuracy' && m !== 'acc') throw new NnError('SPEC_UNKNOWN_METRIC', `unknown metric ${JSON.stringify(m)} (supported: accuracy, acc)`, { path: `${path}/${i}` });
    accuracy ??= m;
  });
  return accuracy;
}

/** Keras 3's choice for "accuracy", from per-sample output and target shapes. */
export function resolveAccuracy(outputShape: readonly number[], targetShape: readonly number[]): AccuracyKind {
  const classes = outputShape[outputShape.length - 1];
  if (classes === 1) return 'binary';
  if (targetShape.length < outputShape.length || (targetShape[targetShape.length - 1] === 1 && classes > 1)) return 'sparse';
  return 'categorical';
}

/**
 * Sum over the batch of per-sample accuracy (for binary, the per-sample mean over the last
 * axis). `yTrue` is raw targets; `yPred` has `rows × classes` values (probabilities or logits,
 * argmax does not care; binary thresholds at 0.5 as Keras does).
 */
export function sumAccuracy(kind: AccuracyKind, yTrue: Float32Array, yPred: Float32Array, rows: number, classes: number): number {
  let total = 0;
  if (kind === 'binary') {
    for (let i = 0; i < yPred.length; i++) total += yTrue[i] === (yPred[i] > 0.5 ? 1 : 0) ? 1 : 0;
    return (total / yPred.length) * rows;
  }
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if (yPred[base + c] > yPred[base + best]) best = c;
    if (kind === 'sparse') {
      if (yTrue[r] === best) total++;
    } else {
      let truth = 0;
      for (let c = 1; c < classes; c++) if (yTrue[base + c] > yTrue[base + truth]) truth = c;
      if (truth === best) total++;
    }
  }
  return total;
}
