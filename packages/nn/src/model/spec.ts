import { formatShape, shapesEqual } from '@trainyard/tensor';
import { normalizeSequential, type LayerEntry } from '../config/normalize.js';
import { ConfigReader } from '../config/reader.js';
import { NnError } from '../errors.js';
import type { Layer, SymbolicShape } from '../layers/layer.js';
import { findLayerClass } from '../layers/registry.js';

/** Per-layer result of shape inference. */
export interface AnalysedLayer {
  layer: Layer;
  entry: LayerEntry;
  inputShape: SymbolicShape;
  outputShape: (number | null)[];
  params: number;
}

/** A Sequential config after parsing and shape inference; no weights exist yet. */
export interface Analysis {
  name: string;
  inputLayerName: string;
  /** Per-sample input shape (no batch axis). */
  inputShape: number[];
  layers: AnalysedLayer[];
}

/** Options shared by inspectModel and modelFromJson. */
export interface SpecOptions {
  /** Per-sample input shape (no batch axis); fills in or must match the declared one. */
  inputShape?: number[];
}

const NAME_RE = /^[A-Za-z0-9][-A-Za-z0-9._/]*$/;

// Keras's to_snake_case, so default names match Keras's: Conv2D → conv2d, MaxPooling2D → max_pooling2d.
const snake = (s: string): string =>
  s
    .replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();

// The declared per-sample input shape, from an InputLayer or the first layer's kwargs.
function declaredInput(first: LayerEntry, buildInputShape: unknown): { shape: unknown[]; path: string } | undefined {
  const c = first.config;
  const p = `${first.path}/config`;
  if (Array.isArray(c.batch_input_shape)) return { shape: c.batch_input_shape.slice(1), path: `${p}/batch_input_shape` };
  if (Array.isArray(c.input_shape)) return { shape: c.input_shape, path: `${p}/input_shape` };
  if (Array.isArray(c.shape)) return { shape: c.shape, path: `${p}/shape` };
  // Embedding's input_dim is its vocabulary size; its sequence length is input_length.
  if (first.className === 'Embedding') {
    if (typeof c.input_length === 'number') return { shape: [c.input_length], path: `${p}/input_length` };
  } else if (c.input_dim !== undefined && c.input_dim !== null) return { shape: [c.input_dim], path: `${p}/input_dim` };
  const built = Array.isArray(first.buildInputShape) ? first.buildInputShape : Array.isArray(buildInputShape) ? buildInputShape : undefined;
  if (built) return { shape: built.slice(1), path: `${first.path}/build_config/input_shape` };
  return undefined;
}

function checkDims(shape: unknown[], path: string, what: string): number[] {
  if (!shape.every((d) => Number.isSafeInteger(d) && (d as number) > 0)) {
    throw new NnError('SPEC_INVALID_MODEL', `${what} ${JSON.stringify(shape)} must list positive integers (variable-size axes are not supported)`, { path });
  }
  return shape as number[];
}

function resolveInputShape(first: LayerEntry, firstName: string, buildInputShape: unknown, layersPath: string, opts: SpecOptions): number[] {
  const declared = declaredInput(first, buildInputShape);
  const given = opts.inputShape ? checkDims([...opts.inputShape], '', 'the given input shape') : undefined;
  if (!declared) {
    if (given) return given;
    throw new NnError('SPEC_INVALID_MODEL', 'the first layer needs an input shape (batch_input_shape, input_shape, input_dim, or an InputLayer)', {
      index: 0,
      path: `${layersPath}/0/config`,
    });
  }
  const shape = checkDims(declared.shape, declared.path, 'input shape');
  if (given && !shapesEqual(shape, given)) {
    throw new NnError('SPEC_SHAPE_MISMATCH', `layer "${firstName}" (index 0) expects samples of shape ${formatShape(shape)} but the data has ${formatShape(given)}`, {
      layer: firstName,
      index: 0,
      path: declared.path,
    });
  }
  return shape;
}

// A later layer may still carry the input shape it was built for (Keras 3 build_config, or a
// stray batch_input_shape): it must agree with what shape inference derived.
function checkDeclared(entry: LayerEntry, name: string, inferred: SymbolicShape): void {
  const declared = declaredInput(entry, undefined);
  if (!declared) return;
  const expected = [null, ...declared.shape];
  const same = expected.length === inferred.length && expected.every((d, i) => i === 0 || d === inferred[i]);
  if (!same) {
    throw new NnError('SPEC_SHAPE_MISMATCH', `layer "${name}" (index ${entry.index}) declares input shape ${formatShape(expected as (number | null)[])} but receives ${formatShape(inferred)}`, {
      layer: name,
      index: entry.index,
      path: declared.path,
    });
  }
}

// Runs `fn`, turning layer-less NnErrors into ones that name the layer, its index and path.
function inLayer<T>(a: { name: string; entry: LayerEntry }, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof NnError && e.details.layer === undefined) {
      throw new NnError(e.code, `layer "${a.name}" (index ${a.entry.index}): ${e.message}`, { ...e.details, layer: a.name, index: a.entry.index, path: e.details.path ?? a.entry.path });
    }
    throw e;
  }
}

/** Parses and shape-checks a Sequential config without allocating weights. */
export function analyse(raw: unknown, opts: SpecOptions = {}): Analysis {
  const { name, entries, buildInputShape, layersPath } = normalizeSequential(raw);
  const used = new Set<string>();
  const counters = new Map<string, number>();
  const nameOf = (entry: LayerEntry): string => {
    const given = entry.config.name;
    let n: string;
    if (given !== undefined && given !== null) {
      if (typeof given !== 'string' || !NAME_RE.test(given)) {
        throw new NnError('SPEC_INVALID_LAYER_CONFIG', `layer at index ${entry.index} has an invalid name ${JSON.stringify(given)}`, { index: entry.index, path: `${entry.path}/config/name` });
      }
      n = given;
    } else {
      // Keras-style deterministic names: dense, dense_1, …
      const base = snake(entry.className);
      do {
        const k = counters.get(base) ?? 0;
        counters.set(base, k + 1);
        n = k === 0 ? base : `${base}_${k}`;
      } while (used.has(n));
    }
    if (used.has(n)) throw new NnError('SPEC_INVALID_MODEL', `layer name "${n}" is used more than once`, { layer: n, index: entry.index, path: `${entry.path}/config/name` });
    used.add(n);
    return n;
  };
  const hasInputLayer = entries[0].className === 'InputLayer';
  const names = entries.map(nameOf);
  const inputShape = resolveInputShape(entries[0], names[0], buildInputShape, layersPath, opts);
  const inputLayerName = hasInputLayer ? names[0] : `${names[0]}_input`;
  let shape: (number | null)[] = [null, ...inputShape];
  const layers: AnalysedLayer[] = [];
  for (const entry of entries.slice(hasInputLayer ? 1 : 0)) {
    const layerName = names[entry.index];
    const ctx = { name: layerName, entry };
    if (entry.className === 'InputLayer') {
      throw new NnError('SPEC_INVALID_MODEL', `layer "${layerName}" (index ${entry.index}): an InputLayer may only be the first layer`, { layer: layerName, index: entry.index, path: `${entry.path}/class_name` });
    }
    const cls = findLayerClass(entry.className);
    if (!cls) {
      throw new NnError('SPEC_UNKNOWN_LAYER', `layer "${layerName}" (index ${entry.index}): unknown layer class "${entry.className}"`, { layer: layerName, index: entry.index, path: `${entry.path}/class_name` });
    }
    const dtype = entry.config.dtype;
    if (dtype !== undefined && dtype !== null && dtype !== 'float32') {
      throw new NnError('SPEC_INVALID_LAYER_CONFIG', `layer "${layerName}" (index ${entry.index}): dtype ${JSON.stringify(dtype)} is not supported (float32 only)`, { layer: layerName, index: entry.index, path: `${entry.path}/config/dtype` });
    }
    const reader = new ConfigReader(entry.config, `${entry.path}/config`, { layer: layerName, index: entry.index });
    const layer = cls.fromConfig(reader, layerName);
    const inShape = shape;
    if (entry.index > 0) checkDeclared(entry, layerName, inShape);
    shape = inLayer(ctx, () => layer.computeOutputShape(inShape));
    const params = inLayer(ctx, () => layer.countParams(inShape));
    layers.push({ layer, entry, inputShape: inShape, outputShape: shape, params });
  }
  if (layers.length === 0) throw new NnError('SPEC_INVALID_MODEL', 'the model has no layers after its InputLayer', { path: layersPath });
  return { name, inputLayerName, inputShape, layers };
}

/** What inspectModel reports: per-layer output shapes (batch axis null) and parameter counts. */
export interface ModelInfo {
  layers: { name: string; className: string; outputShape: (number | null)[]; params: number }[];
  /** Per-sample input shape (no batch axis). */
  inputShape: number[];
  /** Per-sample output shape (no batch axis). */
  outputShape: number[];
  params: number;
}

/** Parses and shape-checks a Keras model config without allocating any weights. Throws NnError. */
export function inspectModel(modelConfig: unknown, opts: SpecOptions = {}): ModelInfo {
  const a = analyse(modelConfig, opts);
  const last = a.layers[a.layers.length - 1].outputShape;
  return {
    layers: a.layers.map((l) => ({ name: l.layer.name, className: l.layer.className, outputShape: l.outputShape, params: l.params })),
    inputShape: a.inputShape,
    outputShape: last.slice(1) as number[],
    params: a.layers.reduce((s, l) => s + l.params, 0),
  };
}
