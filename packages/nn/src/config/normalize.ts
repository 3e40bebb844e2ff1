// Normalises the Keras Sequential JSON variants (Keras 2 `to_json`, TF.js `toJSON`, Keras 3
// `to_json`, model.json wrappers, Keras ≤ 2.2 bare layer lists) into one list of entries.
import { NnError } from '../errors.js';
import { isObject, type JsonObject } from './reader.js';

/** One layer entry of a Sequential config, with its position in the submitted JSON. */
export interface LayerEntry {
  className: string;
  config: JsonObject;
  /** JSON pointer of the entry, e.g. `/config/layers/2`. */
  path: string;
  index: number;
  /** Keras 3 `build_config.input_shape`, if present. */
  buildInputShape?: unknown;
}

/** A Sequential config reduced to what the builder needs. */
export interface SequentialConfig {
  name: string;
  entries: LayerEntry[];
  /** Keras 3 `config.build_input_shape`, if present. */
  buildInputShape?: unknown;
  /** Path of the config object holding the layers, for error details. */
  layersPath: string;
}

function invalid(message: string, path: string, extra: JsonObject = {}): never {
  throw new NnError('SPEC_INVALID_MODEL', message, { path, ...extra });
}

function normalizeEntry(raw: unknown, path: string, index: number): LayerEntry {
  if (!isObject(raw) || typeof raw.class_name !== 'string') invalid(`layer at index ${index} must be an object with a class_name`, path, { index });
  const className = raw.class_name;
  if (raw.config !== undefined && !isObject(raw.config)) invalid(`layer at index ${index} has a config that is not an object`, `${path}/config`, { index });
  const config: JsonObject = { ...(raw.config ?? {}) };
  const name = typeof config.name === 'string' ? config.name : undefined;
  // Keras 3 marks custom classes with a non-Keras module or a "package>Class" registered name.
  const custom =
    (typeof raw.module === 'string' && !/^keras(\.|$)/.test(raw.module)) ||
    (typeof raw.registered_name === 'string' && raw.registered_name !== className);
  if (custom) {
    throw new NnError('SPEC_UNKNOWN_LAYER', `layer${name ? ` "${name}"` : ''} (index ${index}) is a custom class "${className}"; only built-in layers are accepted`, {
      index,
      path: `${path}/class_name`,
      ...(name ? { layer: name } : {}),
    });
  }
  // Keras 3 DTypePolicy dicts and `batch_shape` → the Keras 2 forms.
  if (isObject(config.dtype)) config.dtype = isObject(config.dtype.config) ? config.dtype.config.name : undefined;
  if (config.batch_shape !== undefined && config.batch_input_shape === undefined) config.batch_input_shape = config.batch_shape;
  const entry: LayerEntry = { className, config, path, index };
  if (isObject(raw.build_config)) entry.buildInputShape = raw.build_config.input_shape;
  return entry;
}

/** Parses any accepted Sequential JSON into entries; throws SPEC_INVALID_MODEL. */
export function normalizeSequential(raw: unknown): SequentialConfig {
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
  if (cls === 'Functional' || cls === 'Model') invalid(`functional models ("${cls}") are not supported yet; use Sequential`, `${base}/class_name`);
  if (cls !== 'Sequential') invalid(`model class_name must be "Sequential", got ${JSON.stringify(cls)}`, `${base}/class_name`);
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
  const entries = layers.map((l, i) => normalizeEntry(l, `${layersPath}/${i}`, i));
  return { name, entries, buildInputShape, layersPath };
}
