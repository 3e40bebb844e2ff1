import { normalizeModel, type LayerEntry, type ModelConfig } from '../config/normalize.js';
import { NnError } from '../errors.js';
import type { Layer, SymbolicShape } from '../layers/layer.js';
import { analyseFunctional } from './spec-functional.js';
import { checkDeclared, resolveInputShape } from './spec-input.js';
import { checkName, createLayer, infer } from './spec-layer.js';

/** Per-layer result of shape inference. */
export interface AnalysedLayer {
  layer: Layer;
  entry: LayerEntry;
  /** Where the layer's inputs come from: value i < inputs.length is model input i, value inputs.length + j is layer j's output. */
  inbound: number[];
  inputShapes: SymbolicShape[];
  outputShape: (number | null)[];
  params: number;
}

/** One model input: the InputLayer's name and the per-sample shape (no batch axis). */
export interface ModelInput {
  name: string;
  shape: number[];
}

/** A model config after parsing and shape inference; no weights exist yet. */
export interface Analysis {
  kind: 'sequential' | 'functional';
  name: string;
  inputs: ModelInput[];
  /** Layers in an order where every layer comes after its inputs. */
  layers: AnalysedLayer[];
  /** Values (see AnalysedLayer.inbound) that are the model's outputs, in order. */
  outputs: number[];
}

export interface SpecOptions {
  /** Per-sample input shape (no batch axis); fills in or must match the declared one. */
  inputShape?: number[];
}

// Keras's to_snake_case, so default names match Keras's: Conv2D → conv2d, MaxPooling2D → max_pooling2d.
const snake = (s: string): string =>
  s
    .replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();

function analyseSequential(c: ModelConfig, opts: SpecOptions): Analysis {
  const { entries, buildInputShape, layersPath } = c;
  const used = new Set<string>();
  const counters = new Map<string, number>();
  const nameOf = (entry: LayerEntry): string => {
    const given = entry.config.name;
    let n: string;
    if (given !== undefined && given !== null) n = checkName(given, entry, `${entry.path}/config/name`);
    else {
      // Keras-style deterministic names: dense, dense_1, …
      const base = snake(entry.className);
      do {
        const k = counters.get(base) ?? 0;
        counters.set(base, k + 1);
        n = k === 0 ? base : `${base}_${k}`;
      } while (used.has(n));
    }
    if (used.has(n))
      throw new NnError('SPEC_INVALID_MODEL', `layer name "${n}" is used more than once`, {
        layer: n,
        index: entry.index,
        path: `${entry.path}/config/name`,
      });
    used.add(n);
    return n;
  };
  const hasInputLayer = entries[0].className === 'InputLayer';
  const names = entries.map(nameOf);
  const inputShape = resolveInputShape(entries[0], names[0], buildInputShape, layersPath, opts);
  const inputName = hasInputLayer ? names[0] : `${names[0]}_input`;
  let shape: (number | null)[] = [null, ...inputShape];
  const layers: AnalysedLayer[] = [];
  for (const entry of entries.slice(hasInputLayer ? 1 : 0)) {
    const layerName = names[entry.index];
    if (entry.className === 'InputLayer') {
      throw new NnError(
        'SPEC_INVALID_MODEL',
        `layer "${layerName}" (index ${entry.index}): an InputLayer may only be the first layer`,
        { layer: layerName, index: entry.index, path: `${entry.path}/class_name` },
      );
    }
    const layer = createLayer(entry, layerName);
    if (entry.index > 0) checkDeclared(entry, layerName, shape);
    const a = infer(layer, entry, [layers.length], [shape]);
    layers.push(a);
    shape = a.outputShape;
  }
  if (layers.length === 0)
    throw new NnError('SPEC_INVALID_MODEL', 'the model has no layers after its InputLayer', { path: layersPath });
  return {
    kind: 'sequential',
    name: c.name,
    inputs: [{ name: inputName, shape: inputShape }],
    layers,
    outputs: [layers.length],
  };
}

/** Parses and shape-checks a Sequential or functional config without allocating weights. */
export function analyse(raw: unknown, opts: SpecOptions = {}): Analysis {
  const c = normalizeModel(raw);
  return c.kind === 'functional' ? analyseFunctional(c, opts) : analyseSequential(c, opts);
}

/** The model's outputs: layer name and per-sample shape. */
export function outputsOf(a: Analysis): { name: string; shape: number[] }[] {
  return a.outputs.map((v) => {
    const l = a.layers[v - a.inputs.length];
    return { name: l.layer.name, shape: l.outputShape.slice(1) as number[] };
  });
}
