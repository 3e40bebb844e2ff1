// Normalises the Keras model JSON variants (Keras 2 `to_json`, TF.js `toJSON`, Keras 3 `to_json`,
// model.json wrappers, Keras ≤ 2.2 bare layer lists; Sequential and Functional) into one list of
// entries, with the functional graph's connections as plain layer-name references.
import { NnError } from '../errors.js';
import { isObject, type JsonObject } from './reader.js';

/** A reference to a layer's output tensor: Keras's `[layer_name, node_index, tensor_index]`. */
export interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
}

/** One layer entry of a model config, with its position in the submitted JSON. */
export interface LayerEntry {
  className: string;
  config: JsonObject;
  /** Functional models: the layer's name at the entry level (Keras writes it beside class_name). */
  name?: string;
  /** Functional models: one list of input refs per call of the layer (Keras "nodes"). */
  inbound?: TensorRef[][];
  /** JSON pointer of the entry, e.g. `/config/layers/2`. */
  path: string;
  index: number;
  /** Keras 3 `build_config.input_shape`, if present. */
  buildInputShape?: unknown;
}

/** A model config reduced to what the builder needs. */
export interface ModelConfig {
  kind: 'sequential' | 'functional';
  name: string;
  entries: LayerEntry[];
  /** Keras 3 `config.build_input_shape`, if present. */
  buildInputShape?: unknown;
  /** Path of the config object holding the layers, for error details. */
  layersPath: string;
  /** Functional models: the model's inputs and outputs, in order. */
  inputs?: TensorRef[];
  outputs?: TensorRef[];
}

function invalid(message: string, path: string, extra: JsonObject = {}): never {
  throw new NnError('SPEC_INVALID_MODEL', message, { path, ...extra });
}

function normalizeEntry(raw: unknown, path: string, index: number, functional: boolean): LayerEntry {
  if (!isObject(raw) || typeof raw.class_name !== 'string')
    invalid(`layer at index ${index} must be an object with a class_name`, path, { index });
  const className = raw.class_name;
  if (raw.config !== undefined && !isObject(raw.config))
    invalid(`layer at index ${index} has a config that is not an object`, `${path}/config`, { index });
  const config: JsonObject = { ...(raw.config ?? {}) };
  const name = typeof config.name === 'string' ? config.name : undefined;
  // Keras 3 marks custom classes with a non-Keras module or a "package>Class" registered name.
  const custom =
    (typeof raw.module === 'string' && !/^keras(\.|$)/.test(raw.module)) ||
    (typeof raw.registered_name === 'string' && raw.registered_name !== className);
  if (custom) {
    throw new NnError(
      'SPEC_UNKNOWN_LAYER',
      `layer${name ? ` "${name}"` : ''} (index ${index}) is a custom class "${className}"; only built-in layers are accepted`,
      {
        index,
        path: `${path}/class_name`,
        ...(name ? { layer: name } : {}),
      },
    );
  }
  // Keras 3 redefined hard_sigmoid (x/6 + 0.5 instead of 0.2x + 0.5, which TF.js and we use):
  // taking the name at face value would silently train a different model.
  if (typeof raw.module === 'string') {
    for (const key of ['activation', 'recurrent_activation']) {
      if (
        config[key] === 'hard_sigmoid' ||
        (isObject(config[key]) && (config[key] as JsonObject).config === 'hard_sigmoid')
      ) {
        throw new NnError(
          'SPEC_UNKNOWN_ACTIVATION',
          `layer${name ? ` "${name}"` : ''} (index ${index}): Keras 3's hard_sigmoid (x/6 + 0.5) is not supported; Keras 2 and TF.js define it as 0.2x + 0.5, which is what Trainyard implements`,
          {
            index,
            path: `${path}/config/${key}`,
            ...(name ? { layer: name } : {}),
          },
        );
      }
    }
  }
  // Keras 3 DTypePolicy dicts and `batch_shape` → the Keras 2 forms.
  if (isObject(config.dtype)) config.dtype = isObject(config.dtype.config) ? config.dtype.config.name : undefined;
  if (config.batch_shape !== undefined && config.batch_input_shape === undefined)
    config.batch_input_shape = config.batch_shape;
  const entry: LayerEntry = { className, config, path, index };
  if (isObject(raw.build_config)) entry.buildInputShape = raw.build_config.input_shape;
  if (functional) {
    const entryName = raw.name ?? config.name;
    if (typeof entryName !== 'string')
      invalid(`layer at index ${index} of a functional model needs a name`, `${path}/name`, { index });
    if (config.name !== undefined && config.name !== entryName)
      invalid(
        `layer at index ${index} is named "${entryName}" but its config says ${JSON.stringify(config.name)}`,
        `${path}/config/name`,
        { index },
      );
    config.name = entryName;
    entry.name = entryName;
    entry.inbound = readInboundNodes(raw.inbound_nodes, `${path}/inbound_nodes`, index);
  }
  return entry;
}

// A Keras 2 / TF.js ref `[name, node, tensor, kwargs?]` or a Keras 3 `__keras_tensor__` object.
function readRef(raw: unknown, path: string, extra: JsonObject = {}): TensorRef {
  const triple =
    isObject(raw) && isObject(raw.config) && Array.isArray(raw.config.keras_history) ? raw.config.keras_history : raw;
  if (
    !Array.isArray(triple) ||
    typeof triple[0] !== 'string' ||
    !Number.isSafeInteger(triple[1]) ||
    !Number.isSafeInteger(triple[2])
  ) {
    invalid('a tensor reference must be [layer_name, node_index, tensor_index]', path, extra);
  }
  if (
    triple.length > 3 &&
    isObject(triple[3]) &&
    Object.keys(triple[3]).some((k) => k !== 'training' && k !== 'mask')
  ) {
    invalid(`call arguments ${JSON.stringify(triple[3])} are not supported`, `${path}/3`, extra);
  }
  return { layer: triple[0], node: triple[1] as number, tensor: triple[2] as number };
}

function readInboundNodes(raw: unknown, path: string, index: number): TensorRef[][] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) invalid(`inbound_nodes of layer at index ${index} must be a list`, path, { index });
  return raw.map((node, n) => {
    const p = `${path}/${n}`;
    // Keras 3: {args: [tensor | [tensors…]], kwargs}; Keras 2 and TF.js: a list of refs.
    if (isObject(node)) {
      if (!Array.isArray(node.args) || node.args.length !== 1)
        invalid(`layer at index ${index}: a call must pass its inputs as one argument`, `${p}/args`, { index });
      if (isObject(node.kwargs) && Object.keys(node.kwargs).some((k) => k !== 'training' && k !== 'mask')) {
        invalid(
          `layer at index ${index}: call arguments ${JSON.stringify(node.kwargs)} are not supported`,
          `${p}/kwargs`,
          { index },
        );
      }
      const arg = node.args[0];
      return Array.isArray(arg)
        ? arg.map((t, i) => readRef(t, `${p}/args/0/${i}`, { index }))
        : [readRef(arg, `${p}/args/0`, { index })];
    }
    if (!Array.isArray(node))
      invalid(`inbound node ${n} of layer at index ${index} must be a list of tensor references`, p, { index });
    return node.map((ref, i) => readRef(ref, `${p}/${i}`, { index }));
  });
}

// input_layers / output_layers: a list of refs, one bare ref (Keras 3, single tensor) or a dict (Keras 3, dict inputs).
function readRefList(raw: unknown, path: string): TensorRef[] {
  if (isObject(raw)) return Object.entries(raw).map(([k, v]) => readRef(v, `${path}/${k}`));
  if (!Array.isArray(raw) || raw.length === 0)
    invalid('a functional model needs non-empty input_layers and output_layers', path);
  if (typeof raw[0] === 'string') return [readRef(raw, path)];
  return raw.map((r, i) => readRef(r, `${path}/${i}`));
}

/** Parses any accepted Sequential or Functional JSON into entries; throws SPEC_INVALID_MODEL. */
export function normalizeModel(raw: unknown): ModelConfig {
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      invalid('model is not valid JSON', '');
    }
  }
  if (!isObject(raw)) invalid('model must be a Keras model config object', '');
  let root: JsonObject = raw;
  let base = '';
  if (isObject(root.modelTopology)) {
    root = root.modelTopology;
    base = '/modelTopology';
  }
  if (isObject(root.model_config)) {
    root = root.model_config;
    base += '/model_config';
  }
  const cls = root.class_name;
  // "Model" is what tf.keras wrote before 2.4 and what TF.js still writes.
  const functional = cls === 'Functional' || cls === 'Model';
  if (!functional && cls !== 'Sequential')
    invalid(
      `model class_name must be "Sequential", "Functional" or "Model", got ${JSON.stringify(cls)}`,
      `${base}/class_name`,
    );
  if (functional) {
    if (!isObject(root.config) || !Array.isArray(root.config.layers))
      invalid('a functional config needs a "layers" list', `${base}/config/layers`);
    const c = root.config;
    const path = `${base}/config/layers`;
    if ((c.layers as unknown[]).length === 0) invalid('the model has no layers', path);
    const entries = (c.layers as unknown[]).map((l, i) => normalizeEntry(l, `${path}/${i}`, i, true));
    return {
      kind: 'functional',
      name: typeof c.name === 'string' ? c.name : 'model',
      entries,
      layersPath: path,
      inputs: readRefList(c.input_layers, `${base}/config/input_layers`),
      outputs: readRefList(c.output_layers, `${base}/config/output_layers`),
    };
  }
  let layers: unknown[];
  let layersPath: string;
  let name = 'sequential';
  let buildInputShape: unknown;
  if (Array.isArray(root.config)) {
    layers = root.config;
    layersPath = `${base}/config`;
  } else if (isObject(root.config) && Array.isArray(root.config.layers)) {
    layers = root.config.layers;
    layersPath = `${base}/config/layers`;
    if (typeof root.config.name === 'string') name = root.config.name;
    buildInputShape = root.config.build_input_shape;
  } else {
    invalid('a Sequential config needs a "layers" list', `${base}/config/layers`);
  }
  if (layers.length === 0) invalid('the model has no layers', layersPath);
  const entries = layers.map((l, i) => normalizeEntry(l, `${layersPath}/${i}`, i, false));
  return { kind: 'sequential', name, entries, buildInputShape, layersPath };
}
