// Per-sample loss weights from fit's `sampleWeight` and `classWeight`, the Keras 3 way.
import { contiguousData, Tensor } from '@trainyard/tensor';
import { NnError } from '../errors.js';

function weightError(message: string, path: string): never {
  throw new NnError('SPEC_INVALID_FIT_CONFIG', message, { path });
}

/**
 * The class of each row of y: argmax of one-hot/probability rows (last axis > 1), else the
 * rounded label, as Keras's class_weight mapping reads targets.
 */
function targetClasses(y: Tensor): Int32Array {
  if (y.ndim > 2)
    weightError(`class_weight needs targets of rank 1 or 2, got shape [${y.shape.join(', ')}]`, '/class_weight');
  const n = y.shape[0];
  const row = n === 0 ? 1 : y.size / n;
  const d = contiguousData(y);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (row === 1) {
      out[i] = Math.round(d[i]);
      continue;
    }
    let best = 0;
    for (let j = 1; j < row; j++) if (d[i * row + j] > d[i * row + best]) best = j;
    out[i] = best;
  }
  return out;
}

/**
 * Weights [n] for the loss, or undefined when neither option is given. With both, Keras multiplies
 * them. Classes missing from classWeight get weight 1.
 */
export function sampleWeights(
  y: Tensor,
  sampleWeight: Float32Array | Tensor | undefined,
  classWeight: Record<number, number> | undefined,
): Float32Array | undefined {
  if (!sampleWeight && !classWeight) return undefined;
  const n = y.shape[0];
  const w = new Float32Array(n).fill(1);
  if (sampleWeight) {
    const data = sampleWeight instanceof Tensor ? contiguousData(sampleWeight) : sampleWeight;
    if (sampleWeight instanceof Tensor && sampleWeight.ndim !== 1)
      weightError(`sample_weight must have shape [${n}], got [${sampleWeight.shape.join(', ')}]`, '/sample_weight');
    if (data.length !== n) weightError(`sample_weight has ${data.length} values for ${n} samples`, '/sample_weight');
    for (let i = 0; i < n; i++) {
      if (!(Number.isFinite(data[i]) && data[i] >= 0))
        weightError(`sample_weight[${i}] must be a finite number ≥ 0, got ${data[i]}`, `/sample_weight/${i}`);
      w[i] = data[i];
    }
  }
  if (classWeight) {
    const table = new Map<number, number>();
    for (const [k, v] of Object.entries(classWeight)) {
      const cls = Number(k);
      if (!Number.isSafeInteger(cls) || cls < 0)
        weightError(`class_weight keys must be class indices, got "${k}"`, '/class_weight');
      if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0))
        weightError(`class_weight[${k}] must be a finite number ≥ 0, got ${String(v)}`, `/class_weight/${k}`);
      table.set(cls, v);
    }
    const classes = targetClasses(y);
    for (let i = 0; i < n; i++) w[i] *= table.get(classes[i]) ?? 1;
  }
  return w;
}
