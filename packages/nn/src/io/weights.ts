// The TensorFlow.js weights manifest and its binary layout: weights back to back in manifest
// order, little-endian, row-major, no padding. Shared by the layers-model and checkpoint formats.
import { formatShape, type Tensor } from '@trainyard/tensor';
import { isObject, type JsonObject } from '../config/reader.js';
import { NnError } from '../errors.js';

/** Element types a manifest may declare (we read float32 and int32, and skip the others). */
export type WeightDType = 'float32' | 'int32' | 'bool' | 'string' | 'complex64';

/** One manifest entry. `group` is "model" or "optimizer" when the writer set it. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: WeightDType;
  group?: string;
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
}

/** A manifest group: its files are concatenated in order, its weights laid out in that stream. */
export interface WeightsGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** Weight bytes as one buffer, or one chunk per manifest path (concatenated in order). */
export type WeightData = Uint8Array | ArrayBuffer | readonly (Uint8Array | ArrayBuffer)[];

/** A decoded manifest entry; `values` is null for dtypes we skip (bool, string, complex64). */
export interface DecodedWeight {
  spec: WeightSpec;
  /** JSON pointer of the entry, for error details. */
  path: string;
  values: Float32Array | Int32Array | null;
}

const DTYPES: readonly string[] = ['float32', 'int32', 'bool', 'string', 'complex64'];
const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };
// Typed arrays use the host's byte order; the format is little-endian.
const HOST_LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function invalid(message: string, details: JsonObject = {}): never {
  throw new NnError('SPEC_INVALID_WEIGHTS', message, details);
}

/** Encodes float32 tensors back to back; returns their manifest entries and the bytes. */
export function encodeWeights(weights: readonly { name: string; tensor: Tensor; group?: string }[]): {
  specs: WeightSpec[];
  bytes: Uint8Array;
} {
  const names = new Set<string>();
  let total = 0;
  for (const w of weights) {
    if (names.has(w.name)) invalid(`weight name "${w.name}" is used more than once`, { weight: w.name });
    names.add(w.name);
    total += w.tensor.size * 4;
  }
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  const specs: WeightSpec[] = [];
  let offset = 0;
  for (const { name, tensor, group } of weights) {
    const data = tensor.dataSync();
    if (HOST_LE) bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    else for (let i = 0; i < data.length; i++) view.setFloat32(offset + 4 * i, data[i], true);
    offset += data.byteLength;
    specs.push({ name, shape: [...tensor.shape], dtype: 'float32', ...(group ? { group } : {}) });
  }
  return { specs, bytes };
}

/** Joins weight chunks into one byte array (a Node Buffer's pooled neighbours are not included). */
export function concatWeightData(data: WeightData): Uint8Array {
  const chunks = (Array.isArray(data) ? data : [data]) as (Uint8Array | ArrayBuffer)[];
  const parts = chunks.map((c) =>
    c instanceof Uint8Array
      ? c
      : c instanceof ArrayBuffer
        ? new Uint8Array(c)
        : invalid('weight data must be a Uint8Array or an ArrayBuffer'),
  );
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

function checkSpec(raw: unknown, path: string): WeightSpec {
  if (!isObject(raw) || typeof raw.name !== 'string' || raw.name === '')
    invalid('a manifest entry needs a non-empty "name"', { path });
  const name = raw.name;
  const shape = raw.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    invalid(`weight "${name}" has an invalid shape ${JSON.stringify(shape)}`, { path: `${path}/shape`, weight: name });
  }
  if (typeof raw.dtype !== 'string' || !DTYPES.includes(raw.dtype))
    invalid(`weight "${name}" has an unknown dtype ${JSON.stringify(raw.dtype)}`, {
      path: `${path}/dtype`,
      weight: name,
    });
  const q = raw.quantization;
  if (q !== undefined && q !== null && (!isObject(q) || !['uint8', 'uint16', 'float16'].includes(String(q.dtype)))) {
    invalid(`weight "${name}" has an unknown quantization ${JSON.stringify(q)}`, {
      path: `${path}/quantization`,
      weight: name,
    });
  }
  return raw as unknown as WeightSpec;
}

/** Flattens `weightsManifest` (or a TF.js artifacts `weightSpecs` list) into entries with their paths. */
export function flattenManifest(json: JsonObject): { spec: WeightSpec; path: string }[] {
  if (json.weightsManifest === undefined && Array.isArray(json.weightSpecs)) {
    return json.weightSpecs.map((s, i) => ({ spec: checkSpec(s, `/weightSpecs/${i}`), path: `/weightSpecs/${i}` }));
  }
  if (!Array.isArray(json.weightsManifest))
    invalid('the model JSON has no "weightsManifest" list', { path: '/weightsManifest' });
  return json.weightsManifest.flatMap((g, gi) => {
    const base = `/weightsManifest/${gi}`;
    if (!isObject(g) || !Array.isArray(g.weights))
      invalid('a manifest group must have a "weights" list', { path: base });
    return g.weights.map((s, i) => ({ spec: checkSpec(s, `${base}/weights/${i}`), path: `${base}/weights/${i}` }));
  });
}

// Bytes one entry occupies; strings are a uint32 length plus UTF-8 bytes per element.
function byteLength(spec: WeightSpec, size: number, bin: Uint8Array, offset: number): number {
  if (spec.quantization) return size * BYTES[spec.quantization.dtype];
  if (spec.dtype !== 'string') return size * BYTES[spec.dtype];
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  let n = 0;
  for (let i = 0; i < size; i++) {
    if (offset + n + 4 > bin.byteLength) return Infinity;
    n += 4 + view.getUint32(offset + n, true);
  }
  return n;
}

// IEEE half → float.
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function readValues(spec: WeightSpec, size: number, view: DataView, offset: number): Float32Array | Int32Array | null {
  const q = spec.quantization;
  if (q) {
    const out = new Float32Array(size);
    const step = BYTES[q.dtype];
    for (let i = 0; i < size; i++) {
      const o = offset + i * step;
      out[i] =
        q.dtype === 'float16'
          ? halfToFloat(view.getUint16(o, true))
          : (q.dtype === 'uint8' ? view.getUint8(o) : view.getUint16(o, true)) * (q.scale ?? 1) + (q.min ?? 0);
    }
    return out;
  }
  if (spec.dtype === 'float32') {
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) out[i] = view.getFloat32(offset + 4 * i, true);
    return out;
  }
  if (spec.dtype === 'int32') {
    const out = new Int32Array(size);
    for (let i = 0; i < size; i++) out[i] = view.getInt32(offset + 4 * i, true);
    return out;
  }
  return null;
}

/** Decodes every manifest entry from `bin`; throws SPEC_INVALID_WEIGHTS on duplicates, truncation or trailing bytes. */
export function decodeWeights(
  entries: readonly { spec: WeightSpec; path: string }[],
  bin: Uint8Array,
): DecodedWeight[] {
  const seen = new Set<string>();
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const out: DecodedWeight[] = [];
  let offset = 0;
  for (const { spec, path } of entries) {
    if (seen.has(spec.name))
      invalid(`weight name "${spec.name}" appears more than once in the manifest`, {
        path: `${path}/name`,
        weight: spec.name,
      });
    seen.add(spec.name);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const n = byteLength(spec, size, bin, offset);
    if (offset + n > bin.byteLength) {
      invalid(
        `the weight data is truncated: weight "${spec.name}" ${formatShape(spec.shape)} needs bytes up to ${offset + n} but there are only ${bin.byteLength}`,
        { path, weight: spec.name },
      );
    }
    // Aligned typed-array views are not possible after bool/string entries, so values are copied.
    out.push({ spec, path, values: readValues(spec, size, view, offset) });
    offset += n;
  }
  if (offset !== bin.byteLength)
    invalid(`the weight data has ${bin.byteLength} bytes but the manifest describes ${offset}`, {
      path: '/weightsManifest',
    });
  return out;
}
