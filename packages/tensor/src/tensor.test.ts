import { describe, expect, it } from 'vitest';
import { ones, scalar, tensor, zeros } from './creation.js';
import { TensorError } from './errors.js';
import { add } from './ops/add.js';

describe('Tensor', () => {
  it('infers shape, strides and size from nested arrays', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.strides).toEqual([3, 1]);
    expect(t.size).toBe(6);
    expect(t.ndim).toBe(2);
    expect(t.dtype).toBe('float32');
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('accepts flat data with a shape, and Float32Array without copying', () => {
    expect(tensor([1, 2, 3, 4], [2, 2]).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const raw = new Float32Array([1, 2, 3]);
    expect(tensor(raw).data).toBe(raw);
  });

  it('handles rank 0 and empty tensors', () => {
    expect(scalar(3).item()).toBe(3);
    expect(tensor(2.5).shape).toEqual([]);
    expect(tensor(2.5).toArray()).toBe(2.5);
    expect(zeros([0, 3]).size).toBe(0);
    expect(ones([2]).toArray()).toEqual([1, 1]);
  });

  it('returns a contiguous copy from dataSync', () => {
    const t = tensor([1, 2]);
    const d = t.dataSync();
    d[0] = 9;
    expect(t.data[0]).toBe(1);
  });

  it('rejects ragged data, bad shapes and item() on non-scalars with typed errors', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow('TENSOR_INVALID_DATA');
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow('TENSOR_INVALID_DATA');
    expect(() => zeros([2, -1])).toThrow('TENSOR_INVALID_SHAPE');
    expect(() => tensor([1, 2]).item()).toThrow('TENSOR_NOT_SCALAR');
  });

  it('raises TensorError instances that carry the code and both shapes', () => {
    try {
      add(zeros([3]), zeros([4]));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TensorError);
      expect(e).toBeInstanceOf(Error);
      expect((e as TensorError).code).toBe('TENSOR_SHAPE_MISMATCH');
      expect((e as TensorError).message).toBe('TENSOR_SHAPE_MISMATCH: cannot broadcast [3] with [4]');
    }
  });
});
