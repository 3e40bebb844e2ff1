import { Tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { concatWeightData, decodeWeights, encodeWeights, flattenManifest, type WeightSpec } from './weights.js';

const entries = (specs: WeightSpec[]) => specs.map((spec, i) => ({ spec, path: `/weightSpecs/${i}` }));

describe('weight bytes', () => {
  it('encodes float32 little-endian back to back and decodes it again', () => {
    const a = new Tensor(Float32Array.from([1.5, -2, 3.25, 1e-8, 7, 0]), [2, 3]);
    const b = new Tensor(Float32Array.from([42]), [1]);
    const { specs, bytes } = encodeWeights([
      { name: 'l/a', tensor: a },
      { name: 'l/b', tensor: b, group: 'model' },
    ]);
    expect(specs).toEqual([
      { name: 'l/a', shape: [2, 3], dtype: 'float32' },
      { name: 'l/b', shape: [1], dtype: 'float32', group: 'model' },
    ]);
    expect(Array.from(bytes.subarray(24, 28))).toEqual([0x00, 0x00, 0x28, 0x42]); // 42.0f, LE
    const decoded = decodeWeights(entries(specs), bytes);
    expect(decoded.map((d) => Array.from(d.values!))).toEqual([Array.from(a.data), [42]]);
    expect(() =>
      encodeWeights([
        { name: 'x', tensor: b },
        { name: 'x', tensor: b },
      ]),
    ).toThrow(expect.objectContaining({ code: 'SPEC_INVALID_WEIGHTS' }));
  });

  it('reads int32, skips bool and string entries, and reads float32 at an unaligned offset after them', () => {
    const buf = new Uint8Array(4 + 3 + (4 + 2 + 4 + 0) + 4);
    const view = new DataView(buf.buffer);
    view.setInt32(0, -7, true);
    buf.set([1, 0, 1], 4);
    view.setUint32(7, 2, true);
    buf.set([104, 105], 11); // "hi"
    view.setUint32(13, 0, true); // ""
    view.setFloat32(17, 0.5, true);
    const decoded = decodeWeights(
      entries([
        { name: 'iter', shape: [], dtype: 'int32' },
        { name: 'mask', shape: [3], dtype: 'bool' },
        { name: 'words', shape: [2], dtype: 'string' },
        { name: 'w', shape: [1], dtype: 'float32' },
      ]),
      buf,
    );
    expect(decoded.map((d) => (d.values ? Array.from(d.values) : null))).toEqual([[-7], null, null, [0.5]]);
    expect(decoded[0].values).toBeInstanceOf(Int32Array);
  });

  it('dequantizes uint8/uint16 (q·scale + min) and float16 entries', () => {
    const buf = new Uint8Array(2 + 4 + 6);
    const view = new DataView(buf.buffer);
    buf.set([0, 255], 0);
    view.setUint16(2, 0, true);
    view.setUint16(4, 1000, true);
    [0x3c00, 0xc000, 0x3555].forEach((h, i) => view.setUint16(6 + 2 * i, h, true)); // 1, -2, ≈1/3
    const decoded = decodeWeights(
      entries([
        { name: 'a', shape: [2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.01, min: -1 } },
        { name: 'b', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.001, min: 0 } },
        { name: 'c', shape: [3], dtype: 'float32', quantization: { dtype: 'float16' } },
      ]),
      buf,
    );
    const [a, b, c] = decoded.map((d) => Array.from(d.values!));
    expect(a[0]).toBeCloseTo(-1, 6);
    expect(a[1]).toBeCloseTo(1.55, 6);
    expect(b).toEqual([0, expect.closeTo(1, 6)]);
    expect(c[0]).toBe(1);
    expect(c[1]).toBe(-2);
    expect(c[2]).toBeCloseTo(1 / 3, 3);
  });

  it('flattens manifest groups in order, concatenates chunks, and validates entries', () => {
    const json = {
      weightsManifest: [
        { paths: ['g1.bin'], weights: [{ name: 'a', shape: [1], dtype: 'float32' }] },
        { paths: ['g2a.bin', 'g2b.bin'], weights: [{ name: 'b', shape: [2], dtype: 'float32' }] },
      ],
    };
    expect(flattenManifest(json).map((e) => [e.spec.name, e.path])).toEqual([
      ['a', '/weightsManifest/0/weights/0'],
      ['b', '/weightsManifest/1/weights/0'],
    ]);
    const joined = concatWeightData([new Uint8Array([1, 2]), new Uint8Array([3]).buffer, Buffer.from([4])]);
    expect(Array.from(joined)).toEqual([1, 2, 3, 4]);
    // A Node Buffer view into a pooled slab contributes only its own bytes.
    const pooled = Buffer.from([9, 9, 5, 6, 9]).subarray(2, 4);
    expect(Array.from(concatWeightData(pooled))).toEqual([5, 6]);
    expect(() =>
      flattenManifest({ weightsManifest: [{ paths: [], weights: [{ name: 'x', shape: [-1], dtype: 'float32' }] }] }),
    ).toThrow(
      expect.objectContaining({
        code: 'SPEC_INVALID_WEIGHTS',
        details: expect.objectContaining({ path: '/weightsManifest/0/weights/0/shape' }),
      }),
    );
    expect(() => flattenManifest({})).toThrow(
      expect.objectContaining({ code: 'SPEC_INVALID_WEIGHTS', message: expect.stringContaining('weightsManifest') }),
    );
  });
});
