import { describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy } from './npy.js';
import { expectDataError } from './test-utils/expect-error.js';

/** Builds a .npy the way numpy.save does, for any descr and version. */
export function npy(descr: string, shape: number[], body: Uint8Array, version = 1, fortran = false): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pre = version === 1 ? 10 : 12;
  header += ' '.repeat(64 - ((pre + header.length + 1) % 64)) + '\n';
  const out = new Uint8Array(pre + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), pre);
  out.set(body, pre + header.length);
  return out;
}

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('parseNpy', () => {
  it('reads float32, float64, int and uint8 arrays in C order, versions 1.0 and 2.0', () => {
    const f4 = parseNpy(npy('<f4', [2, 3], bytesOf(new Float32Array([1, 2, 3, 4, 5, 6.5]))));
    expect(f4).toMatchObject({ dtype: 'f4', shape: [2, 3] });
    expect([...f4.data]).toEqual([1, 2, 3, 4, 5, 6.5]);
    const f8 = parseNpy(npy('<f8', [2], bytesOf(new Float64Array([0.1, -2])), 2));
    expect([...f8.data]).toEqual([0.1, -2]);
    expect([...parseNpy(npy('<i8', [3], bytesOf(new BigInt64Array([0n, 2n, -1n])))).data]).toEqual([0n, 2n, -1n]);
    expect([...parseNpy(npy('<i4', [2], bytesOf(new Int32Array([7, -7])))).data]).toEqual([7, -7]);
    expect([...parseNpy(npy('|u1', [4], new Uint8Array([0, 1, 2, 255]))).data]).toEqual([0, 1, 2, 255]);
  });

  it('reads what encodeNpy writes', () => {
    const data = new Float32Array([1.5, -2, 3, 4]);
    const back = parseNpy(encodeNpy(data, [2, 2]));
    expect(back.shape).toEqual([2, 2]);
    expect([...back.data]).toEqual([...data]);
    expect(parseNpy(encodeNpy(new Float32Array([1, 2]), [2])).shape).toEqual([2]);
  });

  it('refuses malformed files with DATASET_INVALID_NPY naming the problem', () => {
    const ok = bytesOf(new Float32Array([1, 2, 3, 4]));
    expectDataError(() => parseNpy(new TextEncoder().encode('hello world')), 'DATASET_INVALID_NPY', /magic/);
    expectDataError(() => parseNpy(npy('<f4', [2, 2], ok.subarray(0, 12))), 'DATASET_INVALID_NPY', /truncated/);
    expectDataError(() => parseNpy(npy('<f4', [2, 2], new Uint8Array(20))), 'DATASET_INVALID_NPY', /unexpected bytes/);
    expectDataError(() => parseNpy(npy('>f4', [2, 2], ok)), 'DATASET_INVALID_NPY', /dtype/);
    expectDataError(() => parseNpy(npy('<c8', [2], ok)), 'DATASET_INVALID_NPY', /dtype/);
    expectDataError(() => parseNpy(npy('|O', [2], ok)), 'DATASET_INVALID_NPY', /dtype/);
    expectDataError(() => parseNpy(npy('<f4', [2, 2], ok, 1, true)), 'DATASET_INVALID_NPY', /Fortran/);
    expectDataError(() => parseNpy(npy('<f4', [], ok.subarray(0, 4))), 'DATASET_INVALID_NPY', /scalar/);
    const bad = npy('<f4', [4], ok);
    bad[6] = 9;
    expectDataError(() => parseNpy(bad), 'DATASET_INVALID_NPY', /version 9/);
    expectDataError(() => parseNpy(npy('<f4', [4], ok).subarray(0, 30)), 'DATASET_INVALID_NPY', /truncated header/);
  });
});
