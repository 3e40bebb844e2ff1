import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { arange, tensor } from '../creation.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { broadcastTo } from './broadcast-to.js';
import { contiguous } from './contiguous.js';
import { slice } from './slice.js';
import { transpose } from './transpose.js';
import { contiguousData } from './util.js';

describe('contiguous and contiguousData', () => {
  it('packs views into a fresh row-major buffer and returns packed tensors as they are', () => {
    const x = rand([3, 4]);
    expect(contiguous(x)).toBe(x);
    expect(contiguousData(x)).toBe(x.data); // the hot path: no copy
    const v = slice(transpose(x), '1:, ::-1');
    const c = contiguous(v);
    expect(c.isContiguous && c.offset === 0 && c.data.length === c.size).toBe(true);
    expect(c.data).not.toBe(x.data);
    expectClose(c, tf.reverse(tf.slice(tf.transpose(toTf(x)), [1, 0]), 1));
    expect(Array.from(contiguousData(v))).toEqual(Array.from(c.data));
  });
  it('copies a contiguous row range that starts at an offset', () => {
    const rows = slice(arange(12), '4:8');
    expect(rows.isContiguous).toBe(true);
    expect(rows.offset).toBe(4);
    expect(Array.from(contiguousData(rows))).toEqual([4, 5, 6, 7]);
    expect(slice(arange(12), '5').item()).toBe(5);
  });
  it('packs broadcast (stride-0) views', () => {
    expect(Array.from(contiguous(broadcastTo(tensor([1, 2]), [2, 2])).data)).toEqual([1, 2, 1, 2]);
  });
  it('has finite-difference gradients', () => {
    gradcheck((x) => contiguous(transpose(x)), [rand([2, 3])]);
  });
  it('throws TENSOR_DTYPE_MISMATCH when a float32 op is given an int32 tensor', () => {
    const ints = tensor(new Int32Array([1, 2]));
    expect(() => contiguousData(ints as never)).toThrow(
      'TENSOR_DTYPE_MISMATCH: expected a float32 tensor, got int32 [2]',
    );
  });
});
