import { DataError } from './errors.js';

/** The NumPy dtypes we read (little-endian, or byte-sized), by their `descr` without the order mark. */
export type NpyDtype = 'f4' | 'f8' | 'i1' | 'u1' | 'i2' | 'u2' | 'i4' | 'u4' | 'i8' | 'u8' | 'b1';

/** An array read from a .npy file: values widened to numbers where needed, its shape and dtype. */
export interface NpyArray {
  data:
    | Float32Array
    | Float64Array
    | Int8Array
    | Uint8Array
    | Int16Array
    | Uint16Array
    | Int32Array
    | Uint32Array
    | BigInt64Array
    | BigUint64Array;
  shape: number[];
  dtype: NpyDtype;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const SIZES: Record<NpyDtype, number> = { f4: 4, f8: 8, i1: 1, u1: 1, i2: 2, u2: 2, i4: 4, u4: 4, i8: 8, u8: 8, b1: 1 };
const CTORS = {
  f4: Float32Array,
  f8: Float64Array,
  i1: Int8Array,
  u1: Uint8Array,
  b1: Uint8Array,
  i2: Int16Array,
  u2: Uint16Array,
  i4: Int32Array,
  u4: Uint32Array,
  i8: BigInt64Array,
  u8: BigUint64Array,
} as const;

function invalid(source: string, why: string): DataError {
  return new DataError('DATASET_INVALID_NPY', `${source} is not a valid .npy file: ${why}`, { path: source });
}

/**
 * Parses a NumPy .npy file (format versions 1.0, 2.0 and 3.0): little-endian numeric dtypes,
 * C order. Fortran order, big-endian, object and structured dtypes are refused by name.
 */
export function parseNpy(bytes: Uint8Array, source = 'NPY data'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw invalid(source, 'missing the \\x93NUMPY magic');
  const major = bytes[6];
  if (major < 1 || major > 3) throw invalid(source, `unsupported format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw invalid(source, 'truncated header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (bytes.length < start + headerLen)
    throw invalid(source, `truncated header (${bytes.length - start} of ${headerLen} bytes)`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));

  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw invalid(source, `header lacks descr, fortran_order or shape: ${header.trim().slice(0, 120)}`);
  if (fortran === 'True')
    throw invalid(source, 'Fortran-order arrays are not supported; save with np.ascontiguousarray');
  const order = descr[0];
  const dtype = descr.slice(1) as NpyDtype;
  if (!(dtype in SIZES) || !['<', '|', '='].includes(order!)) {
    throw invalid(
      source,
      `dtype ${JSON.stringify(descr)} is not supported (little-endian float32/float64, int8–int64, uint8–uint64 or bool)`,
    );
  }
  if (order === '|' && SIZES[dtype] !== 1) throw invalid(source, `dtype ${descr} has no byte order`);
  const parts = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) throw invalid(source, 'a 0-d (scalar) array holds no samples');
  const shape = parts.map((p) => (/^\d+L?$/.test(p) ? Number.parseInt(p, 10) : Number.NaN));
  if (shape.some((d) => !Number.isSafeInteger(d))) throw invalid(source, `bad shape (${shapeText})`);

  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  const expected = dataStart + count * SIZES[dtype];
  if (bytes.length < expected)
    throw invalid(
      source,
      `truncated: shape [${shape.join(', ')}] of ${descr} needs ${expected - dataStart} data bytes, found ${bytes.length - dataStart}`,
    );
  if (bytes.length > expected)
    throw invalid(source, `${bytes.length - expected} unexpected bytes after the data of shape [${shape.join(', ')}]`);

  // Copy into an aligned buffer (the upload's offset need not be a multiple of the element size).
  // (Buffer#slice is a view, so copy explicitly.)
  const copy = new Uint8Array(expected - dataStart);
  copy.set(bytes.subarray(dataStart, expected));
  const Ctor = CTORS[dtype];
  return { data: new Ctor(copy.buffer, 0, count), shape, dtype };
}

/** Writes a C-order little-endian float32 .npy (version 1.0), the form datasets are stored in. */
export function encodeNpy(data: Float32Array, shape: number[]): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  // Magic, version, length and header together are a multiple of 64 bytes, ending in a newline.
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = `${header}${' '.repeat(pad % 64)}\n`;
  const out = Buffer.alloc(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  // Little-endian hosts only (every platform Node runs on today).
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
