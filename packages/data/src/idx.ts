import { createGunzip, gunzipSync } from 'node:zlib';
import { DataError } from './errors.js';

/** What an IDX file holds: its values (typed by the file's type byte) and its dimensions. */
export interface IdxArray {
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
  shape: number[];
}

// IDX type byte → element size and reader; multi-byte values are big-endian in the file.
const TYPES: Record<number, { name: string; size: number }> = {
  0x08: { name: 'ubyte', size: 1 },
  0x09: { name: 'byte', size: 1 },
  0x0b: { name: 'short', size: 2 },
  0x0c: { name: 'int', size: 4 },
  0x0d: { name: 'float', size: 4 },
  0x0e: { name: 'double', size: 8 },
};

/** Largest decompressed file accepted: Fashion-MNIST's biggest is 47 MB; this stops a gzip bomb. */
export const MAX_IDX_BYTES = 512 * 1024 * 1024;

/** True for gzip's magic bytes 1f 8b. */
export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Maps a zlib failure to our codes: too big is DATASET_TOO_LARGE, anything else DATASET_CORRUPT. */
export function gunzipError(err: unknown, source: string, limit = MAX_IDX_BYTES): DataError {
  const code = (err as { code?: string }).code;
  if (code === 'ERR_BUFFER_TOO_LARGE') {
    return new DataError('DATASET_TOO_LARGE', `${source} decompresses to more than ${limit} bytes`, {
      path: source,
      limit,
    });
  }
  return new DataError('DATASET_CORRUPT', `${source} is not valid gzip: ${(err as Error).message}`, { path: source });
}

/**
 * Inflates a gzipped IDX file as a stream (zlib's thread pool, a chunk at a time) and reads its
 * header as soon as it arrives: a header declaring more than `maxBytes` is refused there and then,
 * and inflation never runs past the size the header declares (nor `maxBytes` before it is read).
 * So a bomb costs what its header admits to, at most the limit, never its full inflated size.
 */
export function inflateIdx(input: Uint8Array, source: string, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const z = createGunzip({ chunkSize: 256 * 1024 });
    const chunks: Buffer[] = [];
    let total = 0;
    let cap = maxBytes;
    let headerRead = false;
    let settled = false;
    const settle = (err: DataError | null) => {
      if (settled) return;
      settled = true;
      z.destroy();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks, total));
    };
    z.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (!headerRead && total >= 4) {
        const head = chunks.length === 1 ? chunk : Buffer.concat(chunks);
        const type = TYPES[head[2]];
        // Not an IDX header: stop here and let the parser say what is wrong with it.
        if (head[0] !== 0 || head[1] !== 0 || !type || head[3] === 0) return settle(null);
        const headerBytes = 4 + 4 * head[3];
        if (total >= headerBytes) {
          headerRead = true;
          const shape = Array.from({ length: head[3] }, (_, d) => head.readUInt32BE(4 + 4 * d));
          const declared = headerBytes + shape.reduce((a, b) => a * b, 1) * type.size;
          if (declared > maxBytes) {
            return settle(
              new DataError(
                'DATASET_TOO_LARGE',
                `${source} declares shape [${shape.join(', ')}] of ${type.name}, ${declared} bytes; the limit is ${maxBytes}`,
                { path: source, limit: maxBytes, declared },
              ),
            );
          }
          cap = declared;
        }
      }
      if (total > cap) {
        settle(
          headerRead
            ? new DataError(
                'DATASET_CORRUPT',
                `${source} is not a valid IDX file: it inflates past the ${cap} bytes its header declares`,
                { path: source },
              )
            : new DataError('DATASET_TOO_LARGE', `${source} decompresses to more than ${maxBytes} bytes`, {
                path: source,
                limit: maxBytes,
              }),
        );
      }
    });
    z.on('end', () => settle(null));
    z.on('error', (err) => settle(gunzipError(err, source, maxBytes)));
    z.end(input);
  });
}

function corrupt(source: string, why: string): DataError {
  return new DataError('DATASET_CORRUPT', `${source} is not a valid IDX file: ${why}`, { path: source });
}

/**
 * Parses an IDX file (the MNIST format: 0x00 0x00 type ndim, big-endian uint32 dims, then the
 * values), gzipped or plain. Byte data is returned as a view on the input, not a copy.
 */
export function parseIdx(input: Uint8Array, source = 'IDX data'): IdxArray {
  let bytes = input;
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_IDX_BYTES });
    } catch (err) {
      throw gunzipError(err, source);
    }
  }
  return parsePlainIdx(bytes, source);
}

/** Parses an IDX file that is not compressed (gzip inside gzip is refused as a bad magic). */
export function parsePlainIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  if (bytes.length < 4) throw corrupt(source, `only ${bytes.length} bytes`);
  if (bytes[0] !== 0 || bytes[1] !== 0)
    throw corrupt(source, `bad magic ${hex(bytes[0])} ${hex(bytes[1])} (expected 0x00 0x00)`);
  const type = TYPES[bytes[2]];
  if (!type) throw corrupt(source, `unknown type byte ${hex(bytes[2])}`);
  const ndim = bytes[3];
  if (ndim === 0) throw corrupt(source, 'zero dimensions');
  const header = 4 + 4 * ndim;
  if (bytes.length < header) throw corrupt(source, `truncated header (${bytes.length} of ${header} bytes)`);

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < ndim; d++) {
    const dim = view.getUint32(4 + 4 * d, false);
    shape.push(dim);
    count *= dim;
  }
  // Exact equality: short means truncated, long means the header lies about the content.
  const expected = header + count * type.size;
  if (bytes.length < expected)
    throw corrupt(
      source,
      `truncated: shape [${shape.join(', ')}] of ${type.name} needs ${expected} bytes, found ${bytes.length}`,
    );
  if (bytes.length > expected)
    throw corrupt(source, `${bytes.length - expected} unexpected bytes after the data of shape [${shape.join(', ')}]`);

  const at = bytes.byteOffset + header;
  switch (type.size === 1 ? bytes[2] : -1) {
    case 0x08:
      return { data: new Uint8Array(bytes.buffer, at, count), shape };
    case 0x09:
      return { data: new Int8Array(bytes.buffer, at, count), shape };
  }
  // Multi-byte values are big-endian; typed arrays use the platform's order, so read them one by one.
  const read = {
    0x0b: () => Int16Array.from({ length: count }, (_, i) => view.getInt16(header + 2 * i, false)),
    0x0c: () => Int32Array.from({ length: count }, (_, i) => view.getInt32(header + 4 * i, false)),
    0x0d: () => Float32Array.from({ length: count }, (_, i) => view.getFloat32(header + 4 * i, false)),
    0x0e: () => Float64Array.from({ length: count }, (_, i) => view.getFloat64(header + 8 * i, false)),
  }[bytes[2] as 0x0b | 0x0c | 0x0d | 0x0e];
  return { data: read(), shape };
}

const hex = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;
