import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzipError, inflateIdx, MAX_IDX_BYTES, parseIdx } from './idx.js';
import { readArrayFile } from './upload.js';
import { expectDataError } from './test-utils/expect-error.js';

/** Hand-built IDX bytes: magic 00 00, type, ndim, big-endian uint32 dims, then the payload. */
function idx(type: number, shape: number[], payload: number[]): Uint8Array {
  const header = [0, 0, type, shape.length];
  for (const d of shape) header.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return Uint8Array.from([...header, ...payload]);
}

describe('parseIdx', () => {
  it('reads unsigned bytes with their shape', () => {
    const out = parseIdx(idx(0x08, [2, 3], [0, 1, 2, 253, 254, 255]));
    expect(out.shape).toEqual([2, 3]);
    expect(out.data).toBeInstanceOf(Uint8Array);
    expect([...out.data]).toEqual([0, 1, 2, 253, 254, 255]);
  });

  it('reads the same file gzipped', () => {
    const plain = idx(0x08, [4], [9, 0, 0, 3]);
    const zipped = gzipSync(plain);
    expect(zipped[0]).toBe(0x1f);
    const out = parseIdx(zipped);
    expect(out.shape).toEqual([4]);
    expect([...out.data]).toEqual([9, 0, 0, 3]);
  });

  it('decodes the big-endian multi-byte types', () => {
    expect([...parseIdx(idx(0x09, [2], [0xff, 0x7f])).data]).toEqual([-1, 127]);
    const shorts = parseIdx(idx(0x0b, [2], [0xff, 0xfe, 0x01, 0x00]));
    expect(shorts.data).toBeInstanceOf(Int16Array);
    expect([...shorts.data]).toEqual([-2, 256]);
    expect([...parseIdx(idx(0x0c, [1], [0x00, 0x01, 0x00, 0x02])).data]).toEqual([65538]);
    // 1.5 as float32 is 0x3fc00000; -2 as float64 is 0xc000000000000000.
    const f = parseIdx(idx(0x0d, [1, 1], [0x3f, 0xc0, 0, 0]));
    expect(f.data).toBeInstanceOf(Float32Array);
    expect(f.shape).toEqual([1, 1]);
    expect([...f.data]).toEqual([1.5]);
    expect([...parseIdx(gzipSync(idx(0x0e, [1], [0xc0, 0, 0, 0, 0, 0, 0, 0]))).data]).toEqual([-2]);
  });

  it('reads dims above 255 (all four header bytes matter)', () => {
    const out = parseIdx(idx(0x08, [1, 300], new Array(300).fill(7)));
    expect(out.shape).toEqual([1, 300]);
    expect(out.data.length).toBe(300);
  });

  it('honours the byte offset of a view into a larger buffer', () => {
    const file = idx(0x08, [2], [5, 6]);
    const big = new Uint8Array(file.length + 10);
    big.set(file, 7);
    expect([...parseIdx(big.subarray(7, 7 + file.length)).data]).toEqual([5, 6]);
  });

  const corrupt: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /only 0 bytes/],
    ['bad magic', Uint8Array.from([0x50, 0x4b, 0x08, 0x01, 0, 0, 0, 0]), /bad magic 0x50 0x4b/],
    ['unknown type', idx(0x07, [1], [1]), /unknown type byte 0x07/],
    ['zero dimensions', Uint8Array.from([0, 0, 0x08, 0]), /zero dimensions/],
    ['truncated header', idx(0x08, [3, 3], []).subarray(0, 9), /truncated header/],
    [
      'truncated data',
      idx(0x08, [2, 3], [1, 2, 3, 4, 5]),
      /truncated: shape \[2, 3\] of ubyte needs 18 bytes, found 17/,
    ],
    ['truncated floats', idx(0x0d, [2], [0x3f, 0xc0, 0, 0, 0x3f]), /truncated/],
    ['trailing bytes', idx(0x08, [2], [1, 2, 3]), /1 unexpected bytes/],
    ['truncated gzip', gzipSync(idx(0x08, [100], new Array(100).fill(1))).subarray(0, 20), /not valid gzip/],
    ['gzip of garbage', gzipSync(Uint8Array.from([1, 2, 3, 4, 5])), /bad magic/],
  ];
  it.each(corrupt)('%s → DATASET_CORRUPT', (_name, bytes, message) => {
    const err = expectDataError(() => parseIdx(bytes, '/data/file.idx'), 'DATASET_CORRUPT', message);
    expect(err.message).toContain('/data/file.idx');
    expect(err.details.path).toBe('/data/file.idx');
  });
});

describe('gunzipError', () => {
  it('calls an oversized gzip DATASET_TOO_LARGE (a gzip bomb) and any other zlib failure DATASET_CORRUPT', () => {
    const big = gunzipError(
      Object.assign(new RangeError('Cannot create a Buffer larger than 536870912 bytes'), {
        code: 'ERR_BUFFER_TOO_LARGE',
      }),
      'f.gz',
    );
    expect(big.code).toBe('DATASET_TOO_LARGE');
    expect(big.details).toMatchObject({ path: 'f.gz', limit: MAX_IDX_BYTES });
    expect(gunzipError(Object.assign(new Error('unexpected end of file'), { code: 'Z_BUF_ERROR' }), 'f.gz').code).toBe(
      'DATASET_CORRUPT',
    );
  });
});

describe('inflateIdx', () => {
  const limit = 1024 * 1024;
  /** An IDX header of ubytes declaring `shape`, followed by `payload` zeros (a liar when they disagree). */
  const zeros = (shape: number[], payload: number) =>
    Buffer.concat([Buffer.from(idx(0x08, shape, [])), Buffer.alloc(payload)]);

  it('refuses a bomb whose header declares more than the limit as soon as the header is inflated', async () => {
    const bomb = gzipSync(zeros([64, 1024, 1024], 4 * 1024 * 1024));
    const err = await inflateIdx(bomb, 'x', limit).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      code: 'DATASET_TOO_LARGE',
      details: { path: 'x', limit, declared: 16 + 64 * 1024 * 1024 },
    });
    expect((err as Error).message).toMatch(/declares shape \[64, 1024, 1024\] of ubyte/);
  });

  it('stops a header that lies (small shape, 4 MiB of payload) at the size it declared', async () => {
    const err = await inflateIdx(gzipSync(zeros([4, 2], 4 * 1024 * 1024)), 'x', limit).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'DATASET_CORRUPT', message: /inflates past the 16 bytes its header declares/ });
  });

  it('inflates what fits, across concatenated gzip members, and readArrayFile reports the inflated size', async () => {
    const file = idx(0x08, [3, 2], [1, 2, 3, 4, 5, 6]);
    const twoMembers = Buffer.concat([gzipSync(file.subarray(0, 7)), gzipSync(file.subarray(7))]);
    expect(await inflateIdx(twoMembers, 'x', file.length)).toEqual(Buffer.from(file));
    expect(await readArrayFile(gzipSync(file), 'x', file.length)).toMatchObject({
      format: 'idx.gz',
      shape: [3, 2],
      bytes: file.length,
    });
    await expect(readArrayFile(gzipSync(file), 'x', file.length - 1)).rejects.toMatchObject({
      code: 'DATASET_TOO_LARGE',
    });
  });

  it('leaves what is not IDX to the parser, and refuses gzip inside gzip as a bad magic', async () => {
    await expect(readArrayFile(gzipSync(Buffer.alloc(4 * 1024 * 1024, 7)), 'x', limit)).rejects.toMatchObject({
      code: 'DATASET_CORRUPT',
      message: /bad magic 0x07 0x07/,
    });
    await expect(readArrayFile(gzipSync(gzipSync(idx(0x08, [1], [1]))), 'x', 1024)).rejects.toMatchObject({
      code: 'DATASET_CORRUPT',
      message: /bad magic 0x1f 0x8b/,
    });
  });

  it('calls broken gzip DATASET_CORRUPT', async () => {
    await expect(
      inflateIdx(gzipSync(idx(0x08, [100], new Array(100).fill(1))).subarray(0, 20), 'x', limit),
    ).rejects.toMatchObject({ code: 'DATASET_CORRUPT', message: /not valid gzip/ });
  });
});
