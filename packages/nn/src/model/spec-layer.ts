// One layer entry of a model config: its name, its layer object, its shapes and parameter count.
import type { LayerEntry } from '../config/normalize.js';
import { ConfigReader } from '../config/reader.js';
import { NnError } from '../errors.js';
import type { Layer, SymbolicShape } from '../layers/layer.js';
import { MergeLayer } from '../layers/merge.js';
import { findLayerClass } from '../layers/registry.js';
import type { AnalysedLayer } from './spec.js';

const NAME_RE = /^[A-Za-z0-9][-A-Za-z0-9._/]*$/;

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

/** Builds one layer object from its entry; throws SPEC_UNKNOWN_LAYER for unknown classes. */
export function createLayer(entry: LayerEntry, layerName: string): Layer {
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

/** Shape inference and parameter count of one layer on its inputs' shapes. */
export function infer(layer: Layer, entry: LayerEntry, inbound: number[], inputShapes: SymbolicShape[]): AnalysedLayer {
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

/** A layer name Keras and TF.js accept; throws SPEC_INVALID_LAYER_CONFIG. */
export function checkName(given: unknown, entry: LayerEntry, path: string): string {
  if (typeof given !== 'string' || !NAME_RE.test(given)) {
    throw new NnError(
      'SPEC_INVALID_LAYER_CONFIG',
      `layer at index ${entry.index} has an invalid name ${JSON.stringify(given)}`,
      { index: entry.index, path },
    );
  }
  return given;
}
