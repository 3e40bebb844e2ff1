import { Rng } from '@trainyard/tensor';
import { isObject, type ConfigReader, type JsonObject } from './config/reader.js';

/** A Keras initializer as serialized: Keras class name and its config. */
export interface InitializerSpec {
  className: string;
  config: JsonObject;
}

type Fill = (out: Float32Array, shape: readonly number[], rng: Rng, cfg: JsonObject) => void;

// Keras fans: rank 2 [in, out]; rank ≥ 3 multiplies by the receptive field; rank 1 uses n for both.
function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  let receptive = 1;
  for (let i = 0; i < shape.length - 2; i++) receptive *= shape[i];
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

// Normal truncated at ±2σ by resampling, as Keras/TF do.
function truncatedNormal(rng: Rng, mean: number, std: number): number {
  for (;;) {
    const z = rng.normal();
    if (Math.abs(z) <= 2) return mean + std * z;
  }
}

const varianceScaling: Fill = (out, shape, rng, cfg) => {
  const [fanIn, fanOut] = fans(shape);
  const mode = cfg.mode ?? 'fan_in';
  const n = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
  const s = Number(cfg.scale ?? 1) / Math.max(1, n);
  const dist = cfg.distribution ?? 'truncated_normal';
  if (dist === 'uniform') {
    const limit = Math.sqrt(3 * s);
    for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-limit, limit);
  } else if (dist === 'untruncated_normal') {
    for (let i = 0; i < out.length; i++) out[i] = rng.normal(0, Math.sqrt(s));
  } else {
    // 0.8796… is the std of a unit normal truncated at ±2: Keras corrects for it.
    const std = Math.sqrt(s) / 0.8796256610342398;
    for (let i = 0; i < out.length; i++) out[i] = truncatedNormal(rng, 0, std);
  }
};

/**
 * Keras Orthogonal: QR of a (max(rows, cols) × min(rows, cols)) standard-normal matrix with rows =
 * prod(shape[:-1]), Q's columns signed so R has a positive diagonal, transposed when rows < cols,
 * times `gain`. Modified Gram-Schmidt in float64 yields exactly that Q.
 */
const orthogonal: Fill = (out, shape, rng, cfg) => {
  const cols = shape.length === 0 ? 1 : shape[shape.length - 1];
  const rows = cols === 0 ? 0 : out.length / cols;
  const [m, n] = [Math.max(rows, cols), Math.min(rows, cols)];
  const a = Float64Array.from({ length: m * n }, () => rng.normal());
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += a[i * n + k] * a[i * n + j];
      for (let i = 0; i < m; i++) a[i * n + j] -= dot * a[i * n + k];
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += a[i * n + j] ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) a[i * n + j] /= norm;
  }
  const gain = Number(cfg.gain ?? 1);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows >= cols ? a[r * n + c] : a[c * n + r]);
};

const scaled =
  (scale: number, mode: string, distribution: string): Fill =>
  (out, shape, rng) =>
    varianceScaling(out, shape, rng, { scale, mode, distribution });

/** Keras initializer classes by class name, with their config defaults. */
export const INITIALIZERS: Readonly<Record<string, { defaults: JsonObject; fill: Fill }>> = {
  Zeros: { defaults: {}, fill: (out) => out.fill(0) },
  Ones: { defaults: {}, fill: (out) => out.fill(1) },
  Constant: { defaults: { value: 0 }, fill: (out, _s, _r, cfg) => out.fill(Number(cfg.value)) },
  RandomUniform: {
    defaults: { minval: -0.05, maxval: 0.05, seed: null },
    fill: (out, _s, rng, cfg) => {
      for (let i = 0; i < out.length; i++) out[i] = rng.uniform(Number(cfg.minval), Number(cfg.maxval));
    },
  },
  RandomNormal: {
    defaults: { mean: 0, stddev: 0.05, seed: null },
    fill: (out, _s, rng, cfg) => {
      for (let i = 0; i < out.length; i++) out[i] = rng.normal(Number(cfg.mean), Number(cfg.stddev));
    },
  },
  TruncatedNormal: {
    defaults: { mean: 0, stddev: 0.05, seed: null },
    fill: (out, _s, rng, cfg) => {
      for (let i = 0; i < out.length; i++) out[i] = truncatedNormal(rng, Number(cfg.mean), Number(cfg.stddev));
    },
  },
  VarianceScaling: {
    defaults: { scale: 1, mode: 'fan_in', distribution: 'truncated_normal', seed: null },
    fill: varianceScaling,
  },
  GlorotUniform: { defaults: { seed: null }, fill: scaled(1, 'fan_avg', 'uniform') },
  GlorotNormal: { defaults: { seed: null }, fill: scaled(1, 'fan_avg', 'truncated_normal') },
  HeUniform: { defaults: { seed: null }, fill: scaled(2, 'fan_in', 'uniform') },
  HeNormal: { defaults: { seed: null }, fill: scaled(2, 'fan_in', 'truncated_normal') },
  LecunUniform: { defaults: { seed: null }, fill: scaled(1, 'fan_in', 'uniform') },
  LecunNormal: { defaults: { seed: null }, fill: scaled(1, 'fan_in', 'truncated_normal') },
  Orthogonal: { defaults: { gain: 1, seed: null }, fill: orthogonal },
};

const pascal = (name: string): string => name.replace(/(^|_)([a-z])/g, (_, _u: string, c: string) => c.toUpperCase());

/** Parses `reader.config[key]` ("glorot_uniform", {class_name, config}) into a spec with defaults filled in. */
export function readInitializer(reader: ConfigReader, key: string, fallback: string): InitializerSpec {
  const raw = reader.config[key] ?? fallback;
  let name: unknown = raw;
  let cfg: JsonObject = {};
  if (isObject(raw)) {
    name = raw.class_name;
    cfg = isObject(raw.config) ? raw.config : {};
  }
  if (typeof name !== 'string') return reader.fail(key, `${key} must be an initializer name or {class_name, config}`);
  // Keras 2 short names, TF.js spellings (leCunNormal) and Keras 3's OrthogonalInitializer.
  const aliases: Record<string, string> = {
    Zero: 'Zeros',
    One: 'Ones',
    Uniform: 'RandomUniform',
    Normal: 'RandomNormal',
    LeCunNormal: 'LecunNormal',
    LeCunUniform: 'LecunUniform',
    OrthogonalInitializer: 'Orthogonal',
  };
  let className = pascal(name);
  className = aliases[className] ?? className;
  const entry = INITIALIZERS[className];
  if (!entry) return reader.fail(key, `unknown initializer "${name}"`);
  if (cfg.mode !== undefined && !['fan_in', 'fan_out', 'fan_avg'].includes(String(cfg.mode))) {
    return reader.fail(`${key}/config/mode`, `unknown mode "${String(cfg.mode)}"`);
  }
  const dists = ['uniform', 'normal', 'truncated_normal', 'untruncated_normal'];
  if (cfg.distribution !== undefined && !dists.includes(String(cfg.distribution))) {
    return reader.fail(`${key}/config/distribution`, `unknown distribution "${String(cfg.distribution)}"`);
  }
  return { className, config: { ...entry.defaults, ...cfg } };
}

/** Fills a new array of `shape` from the initializer; a `seed` in its config overrides the model's stream. */
export function initialize(spec: InitializerSpec, shape: readonly number[], rng: Rng): Float32Array {
  let size = 1;
  for (const d of shape) size *= d;
  const out = new Float32Array(size);
  const seed = spec.config.seed;
  INITIALIZERS[spec.className].fill(out, shape, typeof seed === 'number' ? new Rng(seed) : rng, spec.config);
  return out;
}

/** The Keras JSON form of a spec. */
export function serializeInitializer(spec: InitializerSpec): JsonObject {
  return { class_name: spec.className, config: { ...spec.config } };
}
