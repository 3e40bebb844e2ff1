import type { LayerEntry, ModelConfig, TensorRef } from '../config/normalize.js';
import { NnError } from '../errors.js';
import type { SymbolicShape } from '../layers/layer.js';
import type { AnalysedLayer, Analysis, ModelInput, SpecOptions } from './spec.js';
import { checkDims, declaredInput, resolveInputShape } from './spec-input.js';
import { checkName, createLayer, infer } from './spec-layer.js';

// The graph as resolved so far: value indices (see AnalysedLayer.inbound) and their shapes.
interface Graph {
  byName: ReadonlyMap<string, LayerEntry>;
  /** Layer name → value index. */
  value: Map<string, number>;
  shapes: SymbolicShape[];
}

/** A functional graph: InputLayers are the model inputs, every other layer is called exactly once. */
export function analyseFunctional(c: ModelConfig, opts: SpecOptions): Analysis {
  const g: Graph = { byName: layersByName(c.entries), value: new Map(), shapes: [] };
  const inputs = resolveInputs(c, g, opts);
  const layers = resolveLayers(c.entries, g);
  const outputs = resolveOutputs(c, g, inputs.length);
  if (layers.length === 0)
    throw new NnError('SPEC_INVALID_MODEL', 'the model has no layers besides its inputs', { path: c.layersPath });
  return { kind: 'functional', name: c.name, inputs, layers, outputs };
}

function layersByName(entries: readonly LayerEntry[]): Map<string, LayerEntry> {
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
  return byName;
}

// The model inputs, in input_layers order; every InputLayer must be one of them.
function resolveInputs(c: ModelConfig, g: Graph, opts: SpecOptions): ModelInput[] {
  const refs = c.inputs ?? [];
  const inputsPath = c.layersPath.replace(/layers$/, 'input_layers');
  const inputs = refs.map((ref, i) => {
    const entry = g.byName.get(ref.layer);
    if (!entry || entry.className !== 'InputLayer' || ref.node !== 0 || ref.tensor !== 0) {
      throw new NnError(
        'SPEC_INVALID_MODEL',
        `model input ${i} must name an InputLayer of this model, got ${JSON.stringify([ref.layer, ref.node, ref.tensor])}`,
        { path: `${inputsPath}/${i}` },
      );
    }
    if (g.value.has(ref.layer))
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
    g.value.set(ref.layer, i);
    g.shapes.push([null, ...shape]);
    return { name: ref.layer, shape };
  });
  for (const entry of c.entries) {
    if (entry.className === 'InputLayer' && !g.value.has(entry.name as string)) {
      throw new NnError(
        'SPEC_INVALID_MODEL',
        `InputLayer "${entry.name}" (index ${entry.index}) is not one of the model's input_layers`,
        { layer: entry.name, index: entry.index, path: entry.path },
      );
    }
  }
  return inputs;
}

// Keras lists layers in topological order, but the format does not promise it: resolve
// layers whose inputs are known until none is left (or none can be: a cycle or a dangling name).
function resolveLayers(entries: readonly LayerEntry[], g: Graph): AnalysedLayer[] {
  let pending = entries.filter((e) => e.className !== 'InputLayer');
  const layers: AnalysedLayer[] = [];
  while (pending.length > 0) {
    const next: LayerEntry[] = [];
    for (const entry of pending) {
      const nodes = calledOnce(entry);
      if (!nodes.every((r) => g.value.has(r.layer))) {
        next.push(entry);
        continue;
      }
      const inbound = nodes.map((r, i) => refIndex(r, g, `${entry.path}/inbound_nodes/0/${i}`));
      const a = infer(
        createLayer(entry, entry.name as string),
        entry,
        inbound,
        inbound.map((v) => g.shapes[v]),
      );
      g.value.set(entry.name as string, g.shapes.length);
      g.shapes.push(a.outputShape);
      layers.push(a);
    }
    if (next.length === pending.length) throw unresolved(next[0], g);
    pending = next;
  }
  return layers;
}

// The references of a layer's single call; throws when it is called never or more than once.
function calledOnce(entry: LayerEntry): TensorRef[] {
  const nodes = entry.inbound ?? [];
  if (nodes.length !== 1) {
    const what =
      nodes.length === 0
        ? 'is never called (no inbound_nodes)'
        : `is called ${nodes.length} times; shared layers are not supported`;
    throw new NnError('SPEC_INVALID_MODEL', `layer "${entry.name}" (index ${entry.index}) ${what}`, {
      layer: entry.name,
      index: entry.index,
      path: `${entry.path}/inbound_nodes`,
    });
  }
  return nodes[0];
}

// Why layer `e` can never be resolved: its input is in a cycle or does not exist.
function unresolved(e: LayerEntry, g: Graph): NnError {
  const missing = (e.inbound as TensorRef[][])[0].find((r) => !g.value.has(r.layer)) as TensorRef;
  const why = g.byName.has(missing.layer) ? 'the graph has a cycle through it' : 'no layer of the model has that name';
  return new NnError(
    'SPEC_INVALID_MODEL',
    `layer "${e.name}" (index ${e.index}) takes input from "${missing.layer}", but ${why}`,
    { layer: e.name, index: e.index, path: `${e.path}/inbound_nodes/0` },
  );
}

// The output values, in output_layers order: each a distinct layer output.
function resolveOutputs(c: ModelConfig, g: Graph, nInputs: number): number[] {
  const outputsPath = c.layersPath.replace(/layers$/, 'output_layers');
  const outputs = (c.outputs ?? []).map((r, i) => refIndex(r, g, `${outputsPath}/${i}`));
  if (outputs.some((v) => v < nInputs))
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
  return outputs;
}

// The value index of a reference; our layers have one output and are called once.
function refIndex(r: TensorRef, g: Graph, path: string): number {
  const v = g.value.get(r.layer);
  if (v === undefined) {
    const why = g.byName.has(r.layer) ? 'is not connected to the model inputs' : 'is not a layer of this model';
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
