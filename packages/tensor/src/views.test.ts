import { describe, expect, it } from 'vitest';
import { arange, tensor } from './creation.js';
import { add } from './ops/add.js';
import { mul } from './ops/mul.js';
import { reshape } from './ops/reshape.js';
import { slice } from './ops/slice.js';
import { sum } from './ops/sum.js';
import { transpose } from './ops/transpose.js';
import { Tensor } from './tensor.js';

describe('Tensor views', () => {
  it('reads a strided, offset view through toArray, item, dataSync and detach', () => {
    const base = new Float32Array([0, 1, 2, 3, 4, 5, 6, 7]);
    // [[5, 3], [1, -]] … a 2×2 view starting at 5, stepping −2 then −4.
    const v = new Tensor(base, [2, 2], false, { strides: [-4, -2], offset: 7 });
    expect(v.toArray()).toEqual([
      [7, 5],
      [3, 1],
    ]);
    expect(Array.from(v.dataSync())).toEqual([7, 5, 3, 1]);
    expect(v.isContiguous).toBe(false);
    expect(new Tensor(base, [], false, { strides: [], offset: 6 }).item()).toBe(6);
    const d = v.detach();
    expect(d.data).toBe(base);
    expect(d.toArray()).toEqual(v.toArray());
  });
  it('rejects a layout that leaves its buffer', () => {
    expect(() => new Tensor(new Float32Array(4), [2, 2], false, { strides: [2, 2], offset: 0 })).toThrow(
      'TENSOR_INVALID_DATA',
    );
    expect(() => new Tensor(new Float32Array(4), [2], false, { strides: [-1], offset: 0 })).toThrow(
      'TENSOR_INVALID_DATA',
    );
    expect(() => new Tensor(new Float32Array(4), [2], false, { strides: [1, 1], offset: 0 })).toThrow(
      'TENSOR_INVALID_DATA',
    );
  });
  it('lets element-wise ops read views as their logical values', () => {
    const x = reshape(arange(6), [2, 3]);
    const y = add(transpose(x), transpose(slice(x, '::-1, ...')));
    expect(y.toArray()).toEqual([
      [3, 3],
      [5, 5],
      [7, 7],
    ]);
  });
  it('sums the gradients of overlapping views of one leaf', () => {
    const x = tensor([1, 2, 3, 4], undefined, true);
    const a = slice(x, ':3'); // 1 2 3
    const b = slice(x, '3:0:-1'); // 4 3 2
    sum(add(mul(a, tensor([1, 10, 100])), mul(b, tensor([1, 2, 3])))).backward();
    expect(x.grad?.toArray()).toEqual([1, 10 + 3, 100 + 2, 1]);
  });
  it('keeps int32 out of the graph and prints the dtype', () => {
    const i = tensor(new Int32Array([1, 2]));
    expect(i.requiresGrad).toBe(false);
    expect(String(i)).toBe('Tensor([2], int32)');
    expect(i.constructor.name).toBe('Tensor');
    expect(i).toBeInstanceOf(Tensor);
    expect(() => new Tensor(new Int32Array(1), [1], true)).toThrow('TENSOR_DTYPE_MISMATCH');
    expect(() => add(i as never, 1)).toThrow('TENSOR_DTYPE_MISMATCH');
  });
});
