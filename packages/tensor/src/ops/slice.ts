import { TensorError } from '../errors.js';
import { scatterStrided } from '../layout.js';
import { formatShape, stridesOf } from '../shape.js';
import { Tensor, type DType } from '../tensor.js';
import { recordAny } from './util.js';

/** One axis of a structured slice, as Python's `start:stop:step`; omitted parts take NumPy's defaults. */
export interface SliceRange {
  start?: number | null;
  stop?: number | null;
  step?: number | null;
}

/** One slice item: an index (drops the axis), a range, `'a:b:c'` for one axis, or `'...'`. */
export type SliceItem = number | string | SliceRange;

/**
 * A NumPy-style slice: a string with one item per axis separated by commas (`'10:100'`,
 * `':, 14:, 14:'`, `'..., ::2'`, `'-1'`), a list of items (`[':', '14:', { start: 14 }]`), or a
 * single item for the first axis. Axes not mentioned are kept whole.
 */
export type SliceSpec = string | number | SliceRange | readonly SliceItem[];

const ELLIPSIS = Symbol('...');
type Parsed = number | Required<{ [K in keyof SliceRange]: number | null }> | typeof ELLIPSIS;

function invalid(spec: unknown, why: string): TensorError {
  return new TensorError('TENSOR_INVALID_SLICE', `${JSON.stringify(spec)}: ${why}`);
}

function parseInt32(text: string, spec: unknown): number | null {
  const t = text.trim();
  if (t === '') return null;
  if (!/^[+-]?\d+$/.test(t)) throw invalid(spec, `'${t}' is not an integer`);
  return Number(t);
}

function parseItem(item: SliceItem, spec: unknown): Parsed {
  if (typeof item === 'number') {
    if (!Number.isSafeInteger(item)) throw invalid(spec, `index ${item} is not an integer`);
    return item;
  }
  if (typeof item === 'string') {
    const t = item.trim();
    if (t === '...') return ELLIPSIS;
    const parts = t.split(':');
    if (parts.length > 3) throw invalid(spec, `'${t}' has more than two colons`);
    if (parts.length === 1) {
      const index = parseInt32(parts[0], spec);
      if (index === null) throw invalid(spec, 'empty item');
      return index;
    }
    return {
      start: parseInt32(parts[0], spec),
      stop: parseInt32(parts[1], spec),
      step: parts.length === 3 ? parseInt32(parts[2], spec) : null,
    };
  }
  if (typeof item === 'object' && item !== null) {
    const part = (v: number | null | undefined): number | null => {
      if (v === undefined || v === null) return null;
      if (!Number.isSafeInteger(v)) throw invalid(spec, `${v} is not an integer`);
      return v;
    };
    return { start: part(item.start), stop: part(item.stop), step: part(item.step) };
  }
  throw invalid(spec, `unsupported item ${String(item)}`);
}

/** Parses a spec into one item per axis of a rank-`ndim` tensor (ellipsis expanded, rest padded). */
export function parseSlice(spec: SliceSpec, ndim: number): Exclude<Parsed, typeof ELLIPSIS>[] {
  const items: SliceItem[] =
    typeof spec === 'string'
      ? spec.split(',')
      : Array.isArray(spec)
        ? [...(spec as readonly SliceItem[])]
        : [spec as SliceItem];
  if (typeof spec === 'string' && spec.trim() === '') items.length = 0;
  if (Array.isArray(spec) && spec.some((s) => typeof s === 'string' && s.includes(',')))
    throw invalid(spec, 'list items take one axis each');
  const parsed = items.map((it) => parseItem(it, spec));
  const ellipses = parsed.filter((p) => p === ELLIPSIS).length;
  if (ellipses > 1) throw invalid(spec, 'more than one ellipsis');
  const used = parsed.length - ellipses;
  if (used > ndim) throw invalid(spec, `${used} items for a tensor of rank ${ndim}`);
  const fill = Array.from({ length: ndim - used }, () => ({ start: null, stop: null, step: null }));
  const at = parsed.indexOf(ELLIPSIS);
  const expanded = at === -1 ? [...parsed, ...fill] : [...parsed.slice(0, at), ...fill, ...parsed.slice(at + 1)];
  return expanded as Exclude<Parsed, typeof ELLIPSIS>[];
}

/** Resolves start/stop/step against an axis of length n exactly as Python's slice.indices(n). */
export function sliceIndices(
  n: number,
  start: number | null,
  stop: number | null,
  step: number | null,
): [number, number, number, number] {
  const s = step ?? 1;
  if (s === 0) throw new TensorError('TENSOR_INVALID_SLICE', 'slice step cannot be zero');
  const clamp = (v: number | null, dflt: number, lo: number, hi: number): number => {
    if (v === null) return dflt;
    const w = v < 0 ? v + n : v;
    return w < lo ? lo : w > hi ? hi : w;
  };
  const a = s > 0 ? clamp(start, 0, 0, n) : clamp(start, n - 1, -1, n - 1);
  const b = s > 0 ? clamp(stop, n, 0, n) : clamp(stop, -1, -1, n - 1);
  const len = Math.max(0, Math.ceil((b - a) / s));
  return [a, b, s, len];
}

/**
 * NumPy basic slicing; returns a view sharing `x`'s buffer. `slice(x, '10:100')`,
 * `slice(x, ':, 14:, 14:')`, `slice(x, '..., ::2')`, `slice(x, [0, { start: -3 }])`.
 * An integer index drops its axis; out-of-range indices throw TENSOR_INDEX_OUT_OF_RANGE.
 */
export function slice<D extends DType = 'float32'>(x: Tensor<D>, spec: SliceSpec): Tensor<D> {
  const items = parseSlice(spec, x.ndim);
  const packed = stridesOf(x.shape);
  const shape: number[] = [];
  const strides: number[] = [];
  const gradStrides: number[] = [];
  let offset = x.offset;
  let gradOffset = 0;
  items.forEach((item, ax) => {
    const n = x.shape[ax];
    if (typeof item === 'number') {
      if (item < -n || item >= n) {
        throw new TensorError(
          'TENSOR_INDEX_OUT_OF_RANGE',
          `index ${item} is out of range for axis ${ax} of ${formatShape(x.shape)}`,
        );
      }
      const i = item < 0 ? item + n : item;
      offset += i * x.strides[ax];
      gradOffset += i * packed[ax];
      return;
    }
    const [start, , step, len] = sliceIndices(n, item.start, item.stop, item.step);
    shape.push(len);
    strides.push(step * x.strides[ax]);
    gradStrides.push(step * packed[ax]);
    if (len > 0) {
      offset += start * x.strides[ax];
      gradOffset += start * packed[ax];
    }
  });
  const out = new Tensor<D>(x.data, shape, false, { strides, offset });
  // The gradient lands at the sliced positions of a zero tensor shaped like x.
  return recordAny(out, 'slice', [x], (g) => {
    const dx = new Float32Array(x.size);
    scatterStrided(dx, shape, gradStrides, gradOffset, g);
    return [dx];
  });
}
