import type { Embedding } from '../layers/embedding.js';
import { analyse, outputsOf, type Analysis, type SpecOptions } from './spec.js';

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
