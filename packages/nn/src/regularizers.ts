import { abs, add, mul, square, sum, type Tensor } from '@trainyard/tensor';
import { ConfigReader, isObject, type JsonObject } from './config/reader.js';

/** A weight penalty l1·Σ|w| + l2·Σw² (Keras L1, L2 and L1L2 are all this form). */
export interface RegularizerSpec {
  l1: number;
  l2: number;
}

/** A layer whose weights carry penalties (Keras adds `sum(layer.losses)` to the training loss). */
export interface Regularized {
  /** Sum of the penalties of this layer's trainable weights, or null when none is set. */
  regularizationLoss(): Tensor | null;
}

/** True when `layer` implements `regularizationLoss`. */
export function isRegularized(layer: object): layer is Regularized {
  return typeof (layer as Partial<Regularized>).regularizationLoss === 'function';
}

// Defaults per identifier: Keras 3 strings and classes; TF.js's 'l1l2' defaults both to 0.01.
const STRINGS: Record<string, RegularizerSpec> = {
  l1: { l1: 0.01, l2: 0 },
  l2: { l1: 0, l2: 0.01 },
  l1_l2: { l1: 0, l2: 0 },
  l1l2: { l1: 0.01, l2: 0.01 },
};
const CLASSES: Record<string, RegularizerSpec> = { L1: STRINGS.l1, L2: STRINGS.l2, L1L2: STRINGS.l1_l2 };

/** Parses `reader.config[key]`: null, 'l1' | 'l2' | 'l1_l2', or {class_name: 'L1' | 'L2' | 'L1L2', config}. */
export function readRegularizer(reader: ConfigReader, key: string): RegularizerSpec | null {
  const raw = reader.config[key];
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string') {
    const found = STRINGS[raw.toLowerCase()];
    if (!found) reader.fail(key, `unknown regularizer "${raw}" (supported: l1, l2, l1_l2)`);
    return { ...found };
  }
  const defaults = isObject(raw) && typeof raw.class_name === 'string' ? CLASSES[raw.class_name] : undefined;
  if (!isObject(raw) || !defaults)
    return reader.fail(key, `${key} must be l1, l2, l1_l2 or {class_name: 'L1' | 'L2' | 'L1L2', config}`);
  const cfg = isObject(raw.config) ? raw.config : {};
  const r = new ConfigReader(cfg, `${reader.path}/${key}/config`, reader.where, reader.code);
  for (const k of Object.keys(cfg))
    if (k !== 'l1' && k !== 'l2' && k !== 'name') r.fail(k, `unknown regularizer option "${k}"`);
  return { l1: r.number('l1', defaults.l1, { min: 0 }), l2: r.number('l2', defaults.l2, { min: 0 }) };
}

/** l1·Σ|w| + l2·Σw², differentiable; null when both factors are 0. */
export function penalty(spec: RegularizerSpec, w: Tensor): Tensor | null {
  const l1 = spec.l1 > 0 ? mul(sum(abs(w)), spec.l1) : null;
  const l2 = spec.l2 > 0 ? mul(sum(square(w)), spec.l2) : null;
  return l1 && l2 ? add(l1, l2) : (l1 ?? l2);
}

/** The sum of each weight's penalty, for the (regularizer, weight) pairs of a layer; null when none applies. */
export function penalties(pairs: readonly (readonly [RegularizerSpec | null, Tensor | undefined])[]): Tensor | null {
  let total: Tensor | null = null;
  for (const [spec, w] of pairs) {
    const p = spec && w ? penalty(spec, w) : null;
    if (p) total = total ? add(total, p) : p;
  }
  return total;
}

/** Keras JSON for a regularizer: L1L2 with both factors, which Keras and TF.js both load; null stays null. */
export function serializeRegularizer(spec: RegularizerSpec | null): JsonObject | null {
  return spec ? { class_name: 'L1L2', config: { l1: spec.l1, l2: spec.l2 } } : null;
}
