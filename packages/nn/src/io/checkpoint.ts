// Training checkpoints: weights, optimizer state, epoch, history and the fit seed, so that
// `fit({ initialEpoch: epoch, seed: rngSeed })` on the restored model continues the same run.
// Same byte layout as the layers-model format; the JSON carries the training state.
import { Tensor } from '@trainyard/tensor';
import type { Callback, History } from '../callbacks.js';
import { isObject, type JsonObject } from '../config/reader.js';
import { NnError } from '../errors.js';
import type { Model } from '../model/model.js';
import { assignWeights, GENERATED_BY, namedWeights } from './layers-model.js';
import {
  concatWeightData,
  decodeWeights,
  encodeWeights,
  flattenManifest,
  type DecodedWeight,
  type WeightData,
  type WeightsGroup,
} from './weights.js';

/** The `format` of a checkpoint JSON. */
export const CHECKPOINT_FORMAT = 'trainyard-checkpoint';
const VERSION = 1;

/** What the caller tells saveCheckpoint about the run. */
export interface CheckpointState {
  /** Completed epochs: the `initialEpoch` of the resumed fit. */
  epoch: number;
  history: History;
  /** The fit seed (shuffling, dropout); default the model's seed, fit's own default. */
  rngSeed?: number;
  /** The fit's callbacks: the state of those that have one (EarlyStopping, ReduceLROnPlateau) is saved by position. */
  callbacks?: readonly Callback[];
}

/** One callback's saved state: its position in the fit's callback list, its class and its values; its weights are in the bin. */
export interface SavedCallbackState {
  index: number;
  class_name: string;
  values: Record<string, number | null>;
  /** How many tensors of weight group "callbacks" (named `callbacks/<index>/<k>`) belong to it. */
  weights: number;
}

/** Checkpoint metadata (JSON-serialisable; NaN/Infinity in history become null, read back as NaN). */
export interface CheckpointJson {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  generatedBy: string;
  modelTopology: JsonObject;
  epoch: number;
  rngSeed: number;
  history: History;
  /** Null when the model was not compiled. */
  optimizer: { class_name: string; config: JsonObject; iterations: number } | null;
  /** Model weights (group "model"), optimizer slots (group "optimizer"), then callback weights (group "callbacks"), all float32. */
  weightsManifest: WeightsGroup[];
  /** Absent in checkpoints saved without callbacks: those callbacks start fresh on resume. */
  callbacks?: SavedCallbackState[];
}

/** A checkpoint: metadata and the weight bytes. */
export interface Checkpoint {
  json: CheckpointJson;
  bin: Uint8Array;
}

/** The run state loadCheckpoint hands back for the resumed fit. */
export interface RestoredState {
  epoch: number;
  history: History;
  rngSeed: number;
}

function bad(message: string, path = ''): never {
  throw new NnError('SPEC_INVALID_CHECKPOINT', message, { path });
}

/**
 * Snapshots weights, optimizer state and run state. Not captured: the private stream of a Dropout
 * layer with its own `seed` (it is not keyed by epoch), so such runs do not resume bit-identically.
 */
export function saveCheckpoint(model: Model, state: CheckpointState): Checkpoint {
  if (!Number.isSafeInteger(state.epoch) || state.epoch < 0)
    bad(`epoch must be a non-negative integer, got ${state.epoch}`, '/epoch');
  const opt = model.optimizer;
  // getWeights()[0] is the iteration count; it goes into the JSON as an exact integer.
  const slots = opt ? opt.getWeights().slice(1) : [];
  const saved = (state.callbacks ?? []).flatMap((cb, index) =>
    cb.state ? [{ index, class_name: cb.constructor.name, state: cb.state() }] : [],
  );
  const { specs, bytes } = encodeWeights([
    ...namedWeights(model).map((w) => ({ name: w.name, tensor: w.tensor, group: 'model' })),
    ...slots.map((tensor, k) => ({ name: `optimizer/${k}`, tensor, group: 'optimizer' })),
    ...saved.flatMap(({ index, state: st }) =>
      (st.weights ?? []).map((tensor, k) => ({ name: `callbacks/${index}/${k}`, tensor, group: 'callbacks' })),
    ),
  ]);
  return {
    json: {
      format: CHECKPOINT_FORMAT,
      version: VERSION,
      generatedBy: GENERATED_BY,
      modelTopology: model.toJSON(),
      epoch: state.epoch,
      rngSeed: state.rngSeed ?? model.seed,
      history: structuredClone(state.history),
      optimizer: opt ? { class_name: opt.className, config: opt.getConfig(), iterations: opt.iterations } : null,
      weightsManifest: [{ paths: ['checkpoint.bin'], weights: specs }],
      ...(state.callbacks && {
        callbacks: saved.map(({ index, class_name, state: st }) => ({
          index,
          class_name,
          values: { ...st.values },
          weights: st.weights?.length ?? 0,
        })),
      }),
    },
    bin: bytes,
  };
}

// Order-insensitive deep equality of JSON values.
function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]));
  }
  return a === b;
}

function checkTopology(model: Model, saved: unknown): void {
  const layersOf = (t: unknown): unknown[] =>
    isObject(t) && isObject(t.config) && Array.isArray(t.config.layers)
      ? t.config.layers
      : bad('the checkpoint has no model topology', '/modelTopology');
  const ours = layersOf(model.toJSON());
  const theirs = layersOf(saved);
  const n = Math.max(ours.length, theirs.length);
  for (let i = 0; i < n; i++) {
    if (!sameJson(ours[i], theirs[i])) {
      const name = (x: unknown): string => (isObject(x) && isObject(x.config) ? String(x.config.name) : 'none');
      bad(
        `the checkpoint was saved from a different model: layer ${i} is "${name(theirs[i])}" there and "${name(ours[i])}" here, with a different config`,
        `/modelTopology/config/layers/${i}`,
      );
    }
  }
}

function readHistory(v: unknown): History {
  if (!isObject(v) || !Array.isArray(v.epoch) || !isObject(v.history))
    bad('history must be {epoch: number[], history: {name: number[]}}', '/history');
  const history: Record<string, number[]> = {};
  for (const [k, values] of Object.entries(v.history)) {
    if (!Array.isArray(values) || !values.every((x) => x === null || typeof x === 'number'))
      bad(`history.${k} must be a list of numbers`, `/history/history/${k}`);
    history[k] = values.map((x) => (x === null ? NaN : (x as number)));
  }
  return { epoch: v.epoch.map(Number), history, ...(v.aborted === true ? { aborted: true } : {}) };
}

function parse(raw: unknown): JsonObject {
  let json = raw;
  if (typeof raw === 'string') {
    try {
      json = JSON.parse(raw);
    } catch {
      bad('the checkpoint is not valid JSON');
    }
  }
  if (!isObject(json) || json.format !== CHECKPOINT_FORMAT)
    bad(`not a checkpoint: format must be "${CHECKPOINT_FORMAT}"`, '/format');
  if (json.version !== VERSION)
    bad(`checkpoint version ${JSON.stringify(json.version)} is not supported (expected ${VERSION})`, '/version');
  if (!Number.isSafeInteger(json.epoch) || (json.epoch as number) < 0)
    bad('epoch must be a non-negative integer', '/epoch');
  if (typeof json.rngSeed !== 'number' || !Number.isFinite(json.rngSeed)) bad('rngSeed must be a number', '/rngSeed');
  return json;
}

// Pairs each saved callback state with the callback at its position, checking class and weights.
function callbackRestores(
  json: JsonObject,
  decoded: readonly DecodedWeight[],
  callbacks: readonly Callback[],
): (() => void)[] {
  if (json.callbacks === undefined) return [];
  if (!Array.isArray(json.callbacks)) bad('callbacks must be a list', '/callbacks');
  return json.callbacks.map((raw, i) => {
    const path = `/callbacks/${i}`;
    if (
      !isObject(raw) ||
      !Number.isSafeInteger(raw.index) ||
      typeof raw.class_name !== 'string' ||
      !isObject(raw.values) ||
      !Number.isSafeInteger(raw.weights)
    ) {
      bad('a saved callback state must be {index, class_name, values, weights}', path);
    }
    const cb = callbacks[raw.index as number];
    const name = cb?.constructor.name;
    if (!cb?.restore || name !== raw.class_name)
      bad(
        `the checkpoint holds ${raw.class_name} state for callback ${raw.index as number}, but that callback is ${name ?? 'missing'}`,
        `${path}/class_name`,
      );
    const values: Record<string, number | null> = {};
    for (const [k, v] of Object.entries(raw.values)) {
      if (v !== null && typeof v !== 'number')
        bad(`callback state value "${k}" must be a number or null`, `${path}/values/${k}`);
      values[k] = v;
    }
    const weights = Array.from({ length: raw.weights as number }, (_, k) => {
      const d = decoded.find((w) => w.spec.name === `callbacks/${raw.index as number}/${k}`);
      if (!d || !(d.values instanceof Float32Array))
        bad(`the weights of callback ${raw.index as number} are missing from the checkpoint`, `${path}/weights`);
      return new Tensor(d.values, [...d.spec.shape]);
    });
    return () => cb.restore!({ values, ...(weights.length > 0 && { weights }) });
  });
}

/**
 * Restores a checkpoint into `model`, which must be built from the same config and, unless
 * `weightsOnly`, compiled with the same optimizer class. Resume with
 * `model.fit(x, y, { epochs, initialEpoch: s.epoch, seed: s.rngSeed, callbacks })`, passing in
 * `opts.callbacks` the same callback list the checkpoint was saved with. Throws NnError.
 */
export function loadCheckpoint(
  model: Model,
  checkpoint: { json: unknown; bin: WeightData },
  opts: { weightsOnly?: boolean; callbacks?: readonly Callback[] } = {},
): RestoredState {
  const json = parse(checkpoint.json);
  const history = readHistory(json.history);
  checkTopology(model, json.modelTopology);
  const decoded = decodeWeights(flattenManifest(json), concatWeightData(checkpoint.bin));
  const saved = json.optimizer;
  let optimizerState: Tensor[] | null = null;
  if (!opts.weightsOnly && saved !== null && saved !== undefined) {
    if (!isObject(saved) || typeof saved.class_name !== 'string' || !Number.isSafeInteger(saved.iterations))
      bad('optimizer must be {class_name, config, iterations}', '/optimizer');
    const opt = model.optimizer;
    if (!opt)
      throw new NnError(
        'SPEC_NOT_COMPILED',
        'compile the model before restoring a checkpoint with optimizer state (or pass weightsOnly)',
      );
    if (opt.className !== saved.class_name)
      bad(
        `the checkpoint holds ${saved.class_name} state but the model is compiled with ${opt.className}`,
        '/optimizer/class_name',
      );
    const expected = opt.getWeights().slice(1);
    const slots = decoded.filter((d) => d.spec.group === 'optimizer');
    if (slots.length !== expected.length)
      bad(
        `the checkpoint has ${slots.length} optimizer slots, the ${opt.className} optimizer has ${expected.length}`,
        '/weightsManifest',
      );
    slots.forEach((d, k) => {
      if (!(d.values instanceof Float32Array) || d.values.length !== expected[k].size)
        bad(`optimizer slot ${k} ("${d.spec.name}") does not fit the model's weights`, d.path);
    });
    optimizerState = [
      new Tensor(new Float32Array([saved.iterations as number]), []),
      ...slots.map((d) => new Tensor(d.values as Float32Array, [d.values!.length])),
    ];
  }
  const restores = opts.callbacks ? callbackRestores(json, decoded, opts.callbacks) : [];
  // Validate everything before the first write, so a bad checkpoint leaves the model untouched.
  assignWeights(
    model,
    decoded.filter((d) => d.spec.group !== 'callbacks'),
  );
  if (optimizerState) model.optimizer!.setWeights(optimizerState);
  for (const restore of restores) restore();
  return { epoch: json.epoch as number, history, rngSeed: json.rngSeed as number };
}
