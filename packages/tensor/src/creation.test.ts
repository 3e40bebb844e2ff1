import { describe, expect, it } from 'vitest';
import { arange, eye, full, ones, randomNormal, randomUniform, tensor, truncatedNormal, zeros } from './creation.js';
import { Rng } from './random.js';
import { expectClose, tf } from './test-utils/oracle.js';

describe('creation', () => {
  it.each([[5], [2, 10, 3], [0, 1, 0.25], [3, -3, -2], [4, 4, 1], [1, 0, 2]] as const)(
    'arange matches tf.range for %j',
    (...args) => {
      const [a, b, c] = args as [number, number?, number?];
      expectClose(arange(a, b, c), b === undefined ? tf.range(0, a) : tf.range(a, b, c));
    },
  );
  it.each([
    [3, undefined],
    [2, 4],
    [4, 2],
    [0, 0],
  ] as const)('eye matches tf.eye for %d×%j', (n, m) => {
    expectClose(eye(n, m), tf.eye(n, m));
  });
  it('makes int32 tensors from options, typed arrays and nested arrays', () => {
    const a = arange(4, undefined, 1, { dtype: 'int32' });
    expect(a.dtype).toBe('int32');
    expect(a.data).toBeInstanceOf(Int32Array);
    expect(a.toArray()).toEqual([0, 1, 2, 3]);
    expect(zeros([2, 2], { dtype: 'int32' }).data).toEqual(new Int32Array(4));
    expect(ones([2], { dtype: 'int32' }).toArray()).toEqual([1, 1]);
    expect(full([2], 7, { dtype: 'int32' }).toArray()).toEqual([7, 7]);
    expect(eye(2, undefined, { dtype: 'int32' }).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    const raw = new Int32Array([1, 2, 3, 4]);
    const t = tensor(raw, [2, 2]);
    expect(t.dtype).toBe('int32');
    expect(t.data).toBe(raw); // no copy
    expect(tensor([[16777217]], undefined, { dtype: 'int32' }).item()).toBe(16777217); // not rounded through float32
    expect(tensor(raw, undefined, { dtype: 'float32' }).dtype).toBe('float32');
    expect(tensor(raw, undefined, false).dtype).toBe('float32'); // the boolean form is the float32 form
    expect(tensor(new Int32Array([3]), [], { dtype: 'int32' }).item()).toBe(3);
  });
  it('keeps float32 the default and the boolean requiresGrad form', () => {
    const t = zeros([2], true);
    expect(t.dtype).toBe('float32');
    expect(t.requiresGrad).toBe(true);
    expect(full([2], 0.5, { requiresGrad: true }).requiresGrad).toBe(true);
    expect(tensor(new Float32Array([1, 2]), [2, 1]).toArray()).toEqual([[1], [2]]);
  });
  it('rejects non-integer int32 values, int32 gradients and bad ranges', () => {
    expect(() => tensor([1.5], undefined, { dtype: 'int32' })).toThrow('TENSOR_INVALID_DATA');
    expect(() => tensor([2 ** 31], undefined, { dtype: 'int32' })).toThrow('TENSOR_INVALID_DATA');
    expect(() => zeros([2], { dtype: 'int32', requiresGrad: true } as never)).toThrow('TENSOR_DTYPE_MISMATCH');
    expect(() => tensor(new Int32Array(3), [2, 2])).toThrow('TENSOR_INVALID_DATA');
    expect(arange(1, 0).size).toBe(0); // as NumPy; TF.js flips the step here
    expect(() => arange(0, 5, 0)).toThrow('TENSOR_INVALID_ARGUMENT');
    expect(() => zeros([2], { dtype: 'float64' } as never)).toThrow('TENSOR_DTYPE_MISMATCH');
  });
  it('draws seeded random tensors reproducibly', () => {
    expect(randomUniform([3], new Rng(1)).toArray()).toEqual(randomUniform([3], new Rng(1)).toArray());
    expect(randomNormal([3], new Rng(1)).toArray()).not.toEqual(randomNormal([3], new Rng(2)).toArray());
  });
  it('truncatedNormal stays within 2σ with the truncated distribution’s spread', () => {
    const n = 20000;
    const t = truncatedNormal([n], new Rng(5), 1, 0.5);
    let sum = 0;
    let sumSq = 0;
    for (const v of t.data) {
      expect(Math.abs(v - 1)).toBeLessThanOrEqual(1 + 1e-6);
      sum += v;
      sumSq += v * v;
    }
    const mean = sum / n;
    expect(mean).toBeCloseTo(1, 1);
    // The standard deviation of N(0, 1) truncated at ±2 is 0.8796, so here 0.5 · 0.8796.
    expect(Math.sqrt(sumSq / n - mean * mean)).toBeCloseTo(0.5 * 0.8796, 2);
    expect(truncatedNormal([4], new Rng(9)).toArray()).toEqual(truncatedNormal([4], new Rng(9)).toArray());
  });
});
