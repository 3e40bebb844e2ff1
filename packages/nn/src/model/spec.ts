import { formatShape, shapesEqual } from '@trainyard/tensor';
import { normalizeModel, type LayerEntry, type ModelConfig, type TensorRef } from '../config/normalize.js';
import { ConfigReader } from '../config/reader.js';
import { NnError } from '../errors.js';
import type { Embedding } from '../layers/embedding.js';
import type { Layer, SymbolicShape } from '../layers/layer.js';
import { MergeLayer } from '../layers/merge.js';
import { findLayerClass } from '../layers/registry.js';

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
  if (Array.isArray(c.batch_input_shape))
    return { shape: c.batch_input_shape.slice(1), path: `${p}/batch_input_shape` };
  if (Array.isArray(c.input_shape)) return { shape: c.input_shape, path: `${p}/input_shape` };
  if (Array.isArray(c.shape)) return { shape: c.shape, path: `${p}/shape` };
  // Embedding's input_dim is its vocabulary size; its sequence length is input_length.
  if (first.className === 'Embedding') {
    if (typeof c.input_length === 'number') return { shape: [c.input_length], path: `${p}/input_length` };
  } else if (c.input_dim !== undefined && c.input_dim !== null) {
    // Keras 2 recurrent layers: input_length timesteps of input_dim features.
    if (typeof c.input_length === 'number') return { shape: [c.input_length, c.input_dim], path: `${p}/input_dim` };
    return { shape: [c.input_dim], path: `${p}/input_dim` };
  }
  const built = Array.isArray(first.buildInputShape)
    ? first.buildInputShape
    : Array.isArray(buildInputShape)
      ? buildInputShape
      : undefined;
  if (built) return { shape: built.slice(1), path: `${first.path}/build_config/input_shape` };
  return undefined;
}

function checkDims(shape: unknown[], path: string, what: string): number[] {
  if (!shape.every((d) => Number.isSafeInteger(d) && (d as number) > 0)) {
    throw new NnError(
      'SPEC_INVALID_MODEL',
      `${what} ${JSON.stringify(shape)} must list positive integers (variable-size axes are not supported)`,
      { path },
    );
  }
  return shape as number[];
}

function resolveInputShape(
  first: LayerEntry,
  firstName: string,
  buildInputShape: unknown,
  layersPath: string,
  opts: SpecOptions,
): number[] {
  const declared = declaredInput(first, buildInputShape);
  const given = opts.inputShape ? checkDims([...opts.inputShape], '', 'the given input shape') : undefined;
  if (!declared) {
    if (given) return given;
    throw new NnError(
      'SPEC_INVALID_MODEL',
      'the first layer needs an input shape (batch_input_shape, input_shape, input_dim, or an InputLayer)',
      {
        index: 0,
        path: `${layersPath}/0/config`,
      },
    );
  }
  const shape = checkDims(declared.shape, declared.path, 'input shape');
  if (given && !shapesEqual(shape, given)) {
    throw new NnError(
      'SPEC_SHAPE_MISMATCH',
      `layer "${firstName}" (index 0) expects samples of shape ${formatShape(shape)} but the data has ${formatShape(given)}`,
      {
        layer: firstName,
        index: 0,
        path: declared.path,
      },
    );
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
    throw new NnError(
      'SPEC_SHAPE_MISMATCH',
      `layer "${name}" (index ${entry.index}) declares input shape ${formatShape(expected as (number | null)[])} but receives ${formatShape(inferred)}`,
      {
        layer: name,
        index: entry.index,
        path: declared.path,
      },
    );
  }
}

// Runs `fn`, turning layer-less NnErrors into ones that name the layer, its index and path.
function inLayer<T>(a: { name: string; entry: LayerEntry }, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof NnError && e.details.layer === undefined) {
      throw new NnError(e.code, `layer "${a.name}" (index ${a.entry.index}): ${e.message}`, {
        ...e.details,
        layer: a.name,
        index: a.entry.index,
        path: e.details.path ?? a.entry.path,
      });
    }
    throw e;
  }
}

// Builds one layer object from its entry; throws SPEC_UNKNOWN_LAYER for unknown classes.
function createLayer(entry: LayerEntry, layerName: string): Layer {
  const where = { layer: layerName, index: entry.index };
  const cls = findLayerClass(entry.className);
  if (!cls)
    throw new NnError(
      'SPEC_UNKNOWN_LAYER',
      `layer "${layerName}" (index ${entry.index}): unknown layer class "${entry.className}"`,
      { ...where, path: `${entry.path}/class_name` },
    );
  const dtype = entry.config.dtype;
  if (dtype !== undefined && dtype !== null && dtype !== 'float32') {
    throw new NnError(
      'SPEC_INVALID_LAYER_CONFIG',
      `layer "${layerName}" (index ${entry.index}): dtype ${JSON.stringify(dtype)} is not supported (float32 only)`,
      { ...where, path: `${entry.path}/config/dtype` },
    );
  }
  return cls.fromConfig(new ConfigReader(entry.config, `${entry.path}/config`, where), layerName);
}

// Shape inference and parameter count of one layer on its inputs' shapes.
function infer(layer: Layer, entry: LayerEntry, inbound: number[], inputShapes: SymbolicShape[]): AnalysedLayer {
  const ctx = { name: layer.name, entry };
  if (!(layer instanceof MergeLayer) && inputShapes.length !== 1) {
    throw new NnError(
      'SPEC_INVALID_MODEL',
      `layer "${layer.name}" (index ${entry.index}) takes one input, got ${inputShapes.length}`,
      { layer: layer.name, index: entry.index, path: `${entry.path}/inbound_nodes` },
    );
  }
  const outputShape = inLayer(ctx, () =>
    layer instanceof MergeLayer ? layer.computeMergedShape(inputShapes) : layer.computeOutputShape(inputShapes[0]),
  );
  const params = inLayer(ctx, () => layer.countParams(inputShapes[0]));
  return { layer, entry, inbound, inputShapes, outputShape, params };
}

function checkName(given: unknown, entry: LayerEntry, path: string): string {
  if (typeof given !== 'string' || !NAME_RE.test(given)) {
    throw new NnError(
      'SPEC_INVALID_LAYER_CONFIG',
      `layer at index ${entry.index} has an invalid name ${JSON.stringify(given)}`,
      { index: entry.index, path },
    );
  }
  return given;
}

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

// A functional graph: InputLayers are the model inputs, every other layer is called exactly once.
function analyseFunctional(c: ModelConfig, opts: SpecOptions): Analysis {
  const entries = c.entries;
  const byName = new Map<string, LayerEntry>();
  for (const entry of entries) {
    const name = checkName(entry.name, entry, `${entry.path}/name`);
    if (byName.has(name))
      throw new NnError('SPEC_INVALID_MODEL', `layer name "${name}" is used more than once`, {
        layer: name,
        index: entry.index,
        path: `${entry.path}/name`,
      });
    byName.set(name, entry);
  }
  const refs = c.inputs ?? [];
  const inputsPath = c.layersPath.replace(/layers$/, 'input_layers');
  const outputsPath = c.layersPath.replace(/layers$/, 'output_layers');
  const value = new Map<string, number>(); // layer name → value index
  const shapes: SymbolicShape[] = [];
  const inputs: ModelInput[] = refs.map((ref, i) => {
    const entry = byName.get(ref.layer);
    if (!entry || entry.className !== 'InputLayer' || ref.node !== 0 || ref.tensor !== 0) {
      throw new NnError(
        'SPEC_INVALID_MODEL',
        `model input ${i} must name an InputLayer of this model, got ${JSON.stringify([ref.layer, ref.node, ref.tensor])}`,
        { path: `${inputsPath}/${i}` },
      );
    }
    if (value.has(ref.layer))
      throw new NnError('SPEC_INVALID_MODEL', `InputLayer "${ref.layer}" is listed twice as a model input`, {
        path: `${inputsPath}/${i}`,
      });
    const declared = declaredInput(entry, undefined);
    if (!declared)
      throw new NnError('SPEC_INVALID_MODEL', `InputLayer "${ref.layer}" needs a batch_input_shape`, {
        layer: ref.layer,
        index: entry.index,
        path: `${entry.path}/config`,
      });
    let shape = checkDims(declared.shape, declared.path, 'input shape');
    if (refs.length === 1 && opts.inputShape)
      shape = resolveInputShape(entry, ref.layer, undefined, c.layersPath, opts);
    value.set(ref.layer, i);
    shapes.push([null, ...shape]);
    return { name: ref.layer, shape };
  });
  for (const entry of entries) {
    if (entry.className === 'InputLayer' && !value.has(entry.name as string)) {
      throw new NnError(
        'SPEC_INVALID_MODEL',
        `InputLayer "${entry.name}" (index ${entry.index}) is not one of the model's input_layers`,
        { layer: entry.name, index: entry.index, path: entry.path },
      );
    }
  }
  // Keras lists layers in topological order, but the format does not promise it: resolve
  // layers whose inputs are known until none is left (or none can be: a cycle or a dangling name).
  let pending = entries.filter((e) => e.className !== 'InputLayer');
  const layers: AnalysedLayer[] = [];
  while (pending.length > 0) {
    const next: LayerEntry[] = [];
    for (const entry of pending) {
      const name = entry.name as string;
      const nodes = entry.inbound ?? [];
      if (nodes.length !== 1) {
        const what =
          nodes.length === 0
            ? 'is never called (no inbound_nodes)'
            : `is called ${nodes.length} times; shared layers are not supported`;
        throw new NnError('SPEC_INVALID_MODEL', `layer "${name}" (index ${entry.index}) ${what}`, {
          layer: name,
          index: entry.index,
          path: `${entry.path}/inbound_nodes`,
        });
      }
      if (!nodes[0].every((r) => value.has(r.layer))) {
        next.push(entry);
        continue;
      }
      const inbound = nodes[0].map((r, i) => refIndex(r, value, byName, `${entry.path}/inbound_nodes/0/${i}`));
      const a = infer(
        createLayer(entry, name),
        entry,
        inbound,
        inbound.map((v) => shapes[v]),
      );
      value.set(name, shapes.length);
      shapes.push(a.outputShape);
      layers.push(a);
    }
    if (next.length === pending.length) {
      const e = next[0];
      const missing = (e.inbound as TensorRef[][])[0].find((r) => !value.has(r.layer)) as TensorRef;
      const why = byName.has(missing.layer)
        ? 'the graph has a cycle through it'
        : 'no layer of the model has that name';
      throw new NnError(
        'SPEC_INVALID_MODEL',
        `layer "${e.name}" (index ${e.index}) takes input from "${missing.layer}", but ${why}`,
        { layer: e.name, index: e.index, path: `${e.path}/inbound_nodes/0` },
      );
    }
    pending = next;
  }
  const outputs = (c.outputs ?? []).map((r, i) => refIndex(r, value, byName, `${outputsPath}/${i}`));
  if (outputs.some((v) => v < inputs.length))
    throw new NnError('SPEC_INVALID_MODEL', 'a model output must be the output of a layer, not an InputLayer', {
      path: outputsPath,
    });
  const twice = outputs.findIndex((v, i) => outputs.indexOf(v) !== i);
  if (twice >= 0)
    throw new NnError(
      'SPEC_INVALID_MODEL',
      `output "${(c.outputs as TensorRef[])[twice].layer}" is listed twice; each output needs its own layer`,
      { path: `${outputsPath}/${twice}` },
    );
  if (layers.length === 0)
    throw new NnError('SPEC_INVALID_MODEL', 'the model has no layers besides its inputs', { path: c.layersPath });
  return { kind: 'functional', name: c.name, inputs, layers, outputs };
}

// The value index of a reference; our layers have one output and are called once.
function refIndex(
  r: TensorRef,
  value: ReadonlyMap<string, number>,
  byName: ReadonlyMap<string, LayerEntry>,
  path: string,
): number {
  const v = value.get(r.layer);
  if (v === undefined) {
    const why = byName.has(r.layer) ? 'is not connected to the model inputs' : 'is not a layer of this model';
    throw new NnError('SPEC_INVALID_MODEL', `"${r.layer}" ${why}`, { path });
  }
  if (r.node !== 0 || r.tensor !== 0)
    throw new NnError(
      'SPEC_INVALID_MODEL',
      `reference ${JSON.stringify([r.layer, r.node, r.tensor])}: layers have one call and one output, so node and tensor index must be 0`,
      { path },
    );
  return v;
}

/** Parses and shape-checks a Sequential or functional config without allocating weights. */
export function analyse(raw: unknown, opts: SpecOptions = {}): Analysis {
  const c = normalizeModel(raw);
  return c.kind === 'functional' ? analyseFunctional(c, opts) : analyseSequential(c, opts);
}

/** What inspectModel reports: per-layer output shapes (batch axis null) and parameter counts. */
export interface ModelInfo {
  kind: 'sequential' | 'functional';
  layers: { name: string; className: string; outputShape: (number | null)[]; params: number }[];
  /** Per-sample input shapes (no batch axis), in model input order. */
  inputs: { name: string; shape: number[] }[];
  /** Per-sample output shapes (no batch axis), named by their layer, in model output order. */
  outputs: { name: string; shape: number[] }[];
  /** Shortcuts for single-input, single-output models: the first input's and output's shapes. */
  inputShape: number[];
  outputShape: number[];
  params: number;
  /** Each Embedding and where its indices come from (they must be integers in [0, inputDim)). */
  indexInputs: IndexInput[];
}

/** An Embedding layer and the source of its indices: a model input, or the layer that computes them. */
export interface IndexInput {
  layer: string;
  /** The layer's place in the config, for error paths. */
  path: string;
  inputDim: number;
  /** The model input its indices are, through layers that only move values; null when a layer computes them. */
  input: number | null;
  /** That computing layer's name, when input is null. */
  from?: string;
}

// Layers whose outputs are some of their input values, unchanged: integer indices stay integers.
const VALUE_PRESERVING = new Set(['Reshape', 'Permute', 'Flatten', 'MaxPooling2D', 'GlobalMaxPooling2D']);

function indexInputs(a: Analysis): IndexInput[] {
  const nInputs = a.inputs.length;
  return a.layers
    .filter((l) => l.layer.className === 'Embedding')
    .map((l) => {
      const base = { layer: l.layer.name, path: l.entry.path, inputDim: (l.layer as Embedding).inputDim };
      let value = l.inbound[0];
      while (value >= nInputs) {
        const source = a.layers[value - nInputs];
        if (!VALUE_PRESERVING.has(source.layer.className)) return { ...base, input: null, from: source.layer.name };
        value = source.inbound[0];
      }
      return { ...base, input: value };
    });
}

/** Parses and shape-checks a Keras model config without allocating any weights. Throws NnError. */
export function inspectModel(modelConfig: unknown, opts: SpecOptions = {}): ModelInfo {
  const a = analyse(modelConfig, opts);
  const outputs = outputsOf(a);
  return {
    kind: a.kind,
    layers: a.layers.map((l) => ({
      name: l.layer.name,
      className: l.layer.className,
      outputShape: l.outputShape,
      params: l.params,
    })),
    inputs: a.inputs,
    outputs,
    inputShape: a.inputs[0].shape,
    outputShape: outputs[0].shape,
    params: a.layers.reduce((s, l) => s + l.params, 0),
    indexInputs: indexInputs(a),
  };
}

/** The model's outputs: layer name and per-sample shape. */
export function outputsOf(a: Analysis): { name: string; shape: number[] }[] {
  return a.outputs.map((v) => {
    const l = a.layers[v - a.inputs.length];
    return { name: l.layer.name, shape: l.outputShape.slice(1) as number[] };
  });
}
