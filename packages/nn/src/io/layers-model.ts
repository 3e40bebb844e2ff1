// The TensorFlow.js layers-model artifact (model.json + weights.bin): export for
// `tf.loadLayersModel`, import of what TF.js `model.save` writes.
import { Tensor } from '@trainyard/tensor';
import { isObject, type JsonObject } from '../config/reader.js';
import { NnError } from '../errors.js';
import { modelFromJson, type Model } from '../model/model.js';
import {
  concatWeightData,
  decodeWeights,
  encodeWeights,
  flattenManifest,
  type DecodedWeight,
  type WeightData,
  type WeightsGroup,
} from './weights.js';

/** Written into `generatedBy` (informational only; TF.js does not read it). */
export const GENERATED_BY = 'trainyard @trainyard/nn 0.1.0';

/** The model.json of a TF.js layers model. */
export interface LayersModelJson {
  modelTopology: JsonObject;
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  weightsManifest: WeightsGroup[];
}

/** Options of `fromLayersModel`. */
export interface FromLayersModelOptions {
  /** Seed of the loaded model (used as fit's default seed); default random, as in modelFromJson. */
  seed?: number;
  /** Reject manifest entries that match no model weight (TF.js's default); default true. */
  strict?: boolean;
}

/** A model weight with its file name `<layer>/<weight>`. */
export interface NamedWeight {
  name: string;
  tensor: Tensor;
  trainable: boolean;
}

/** The model's weights named `<layer>/<weight>`, in layer order (the getWeights order). */
export function namedWeights(model: Model): NamedWeight[] {
  return model.layers.flatMap((l) => {
    const names = l.weightNames();
    // A layer's own non-trainable state (e.g. moving statistics) is created without requiresGrad.
    return l.weights.map((w, i) => ({
      name: `${l.name}/${names[i]}`,
      tensor: w,
      trainable: l.trainable && w.requiresGrad,
    }));
  });
}

// Initializer class names TF.js spells differently; the values are only used to re-initialise,
// but TF.js deserialises them and fails on names it does not know.
const TO_TFJS: Record<string, string> = {
  LecunNormal: 'LeCunNormal',
  LecunUniform: 'LeCunUniform',
  OrthogonalInitializer: 'Orthogonal',
};
const FROM_TFJS: Record<string, string> = { LeCunNormal: 'LecunNormal', LeCunUniform: 'LecunUniform' };

// Rewrites every `*_initializer` object in a layer config; TF.js knows no untruncated normal.
function renameInitializers(config: JsonObject, names: Record<string, string>, toTfjs: boolean): JsonObject {
  const out: JsonObject = { ...config };
  for (const [key, value] of Object.entries(config)) {
    if (!key.endsWith('_initializer') || !isObject(value) || typeof value.class_name !== 'string') continue;
    const inner = isObject(value.config) ? { ...value.config } : {};
    if (toTfjs && inner.distribution === 'untruncated_normal') inner.distribution = 'normal';
    out[key] = { ...value, class_name: names[value.class_name] ?? value.class_name, config: inner };
  }
  return out;
}

/** Exports `model` as a TF.js layers model: Keras-2-style topology plus float32 weights (trainable first, as TF.js saves). */
export function toLayersModel(model: Model): { modelJson: LayersModelJson; weightsBin: Uint8Array } {
  const json = model.toJSON();
  const config = json.config as { name: string; layers: { class_name: string; config: JsonObject }[] };
  const renamed = config.layers.map((l) => ({ ...l, config: renameInitializers(l.config, TO_TFJS, true) }));
  // Sequential in TF.js's own form: no InputLayer entry; the first layer carries the batch input shape.
  // Functional models keep their InputLayers: the graph refers to them by name.
  const layers =
    model.kind === 'functional'
      ? renamed
      : renamed
          .slice(1)
          .map((l, i) =>
            i === 0
              ? { ...l, config: { ...l.config, batch_input_shape: [null, ...model.inputShape], dtype: 'float32' } }
              : l,
          );
  const weights = namedWeights(model);
  const ordered = [...weights.filter((w) => w.trainable), ...weights.filter((w) => !w.trainable)];
  const { specs, bytes } = encodeWeights(ordered);
  return {
    modelJson: {
      modelTopology: { ...json, config: { ...config, layers } },
      format: 'layers-model',
      generatedBy: GENERATED_BY,
      convertedBy: null,
      weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
    },
    weightsBin: bytes,
  };
}

function parseJson(raw: unknown): JsonObject {
  let json = raw;
  if (typeof raw === 'string') {
    try {
      json = JSON.parse(raw);
    } catch {
      throw new NnError('SPEC_INVALID_MODEL', 'model.json is not valid JSON', { path: '' });
    }
  }
  if (!isObject(json) || !isObject(json.modelTopology))
    throw new NnError('SPEC_INVALID_MODEL', 'model.json needs a "modelTopology" object', { path: '/modelTopology' });
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new NnError(
      'SPEC_INVALID_MODEL',
      `model.json format ${JSON.stringify(json.format)} is not supported; only "layers-model"`,
      { path: '/format' },
    );
  }
  return json;
}

function withImportedInitializers(topology: JsonObject): JsonObject {
  const root = isObject(topology.model_config) ? topology.model_config : topology;
  const cfg = root.config;
  const layersOf = (list: unknown): unknown =>
    Array.isArray(list)
      ? list.map((l) =>
          isObject(l) && isObject(l.config) ? { ...l, config: renameInitializers(l.config, FROM_TFJS, false) } : l,
        )
      : list;
  const config = Array.isArray(cfg) ? layersOf(cfg) : isObject(cfg) ? { ...cfg, layers: layersOf(cfg.layers) } : cfg;
  return root === topology ? { ...root, config } : { ...topology, model_config: { ...root, config } };
}

/**
 * Assigns decoded manifest entries to the model's weights by name (`<layer>/<weight>`, or Keras 3's
 * `<layer>/<index>`); entries in group "optimizer" are ignored. Throws SPEC_INVALID_WEIGHTS.
 */
export function assignWeights(model: Model, decoded: readonly DecodedWeight[], strict = true): void {
  const byName = new Map(decoded.filter((d) => d.spec.group !== 'optimizer').map((d) => [d.spec.name, d]));
  const used = new Set<string>();
  const missing: string[] = [];
  const values: Tensor[] = [];
  for (const layer of model.layers) {
    const names = layer.weightNames();
    layer.weights.forEach((w, i) => {
      const name = `${layer.name}/${names[i]}`;
      const key = byName.has(name) ? name : `${layer.name}/${i}`;
      const d = byName.get(key);
      if (!d) return void missing.push(name);
      used.add(key);
      const shape = d.spec.shape;
      if (shape.length !== w.shape.length || shape.some((s, j) => s !== w.shape[j])) {
        throw new NnError(
          'SPEC_INVALID_WEIGHTS',
          `weight "${name}" has shape ${JSON.stringify(shape)} in the file but the model expects ${JSON.stringify(w.shape)}`,
          { path: `${d.path}/shape`, weight: name, layer: layer.name },
        );
      }
      if (!(d.values instanceof Float32Array)) {
        throw new NnError(
          'SPEC_INVALID_WEIGHTS',
          `weight "${name}" has dtype ${d.spec.dtype}; model weights must be float32`,
          { path: `${d.path}/dtype`, weight: name, layer: layer.name },
        );
      }
      values.push(new Tensor(d.values, [...w.shape]));
    });
  }
  if (missing.length > 0) {
    throw new NnError(
      'SPEC_INVALID_WEIGHTS',
      `${missing.length} of ${values.length + missing.length} model weights are missing from the file: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`,
      { weight: missing[0] },
    );
  }
  const extra = [...byName.keys()].filter((n) => !used.has(n));
  if (strict && extra.length > 0) {
    throw new NnError(
      'SPEC_INVALID_WEIGHTS',
      `the file has ${extra.length} weights that match no model weight: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', …' : ''}`,
      { weight: extra[0], path: byName.get(extra[0])!.path },
    );
  }
  model.setWeights(values);
}

const configOf = (json: JsonObject): JsonObject => ({
  modelTopology: withImportedInitializers(json.modelTopology as JsonObject),
});

/**
 * The model config inside a model.json (object or string), as `inspectModel` and `forwardFlops`
 * take it: a model's shapes and cost without reading its weights. Throws NnError.
 */
export function layersModelConfig(modelJson: unknown): JsonObject {
  return configOf(parseJson(modelJson));
}

/**
 * Loads a TF.js layers model (model.json object or string, plus the weight bytes — one buffer, or
 * one per manifest path in order) into a Model. Accepts the `weightSpecs` form of
 * `tf.io.withSaveHandler` artifacts too. Throws NnError (SPEC_INVALID_WEIGHTS for weight problems).
 */
export function fromLayersModel(modelJson: unknown, weightsBin: WeightData, opts: FromLayersModelOptions = {}): Model {
  const json = parseJson(modelJson);
  const model = modelFromJson(configOf(json), { seed: opts.seed });
  const decoded = decodeWeights(flattenManifest(json), concatWeightData(weightsBin));
  assignWeights(model, decoded, opts.strict ?? true);
  return model;
}
