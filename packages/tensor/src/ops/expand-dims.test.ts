import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { expandDims } from './expand-dims.js';
import { flatten } from './flatten.js';
import { squeeze } from './squeeze.js';
import { transpose } from './transpose.js';

describe('expandDims, squeeze, flatten', () => {
  it.each([
    [[], 0],
    [[3], 1],
    [[2, 3], -1],
    [[2, 3], 1],
    [[0, 3], 0],
  ] as const)('expandDims matches TF.js for %j axis %d', (shape, axis) => {
    const x = rand([...shape]);
    expectClose(expandDims(x, axis), tf.expandDims(toTf(x), axis));
  });
  it.each([
    [[1], undefined],
    [[1, 3, 1], undefined],
    [[1, 3, 1], [0]],
    [
      [2, 1, 1],
      [-1, 1],
    ],
    [[1, 0], undefined],
  ] as const)('squeeze matches TF.js for %j axis %j', (shape, axis) => {
    const x = rand([...shape]);
    expectClose(squeeze(x, axis ? [...axis] : undefined), tf.squeeze(toTf(x), axis ? [...axis] : undefined));
  });
  it.each([
    [[], 0, -1, [1]],
    [[2, 3, 4], 0, -1, [24]],
    [[2, 3, 4], 1, -1, [2, 12]],
    [[2, 3, 4], 0, 1, [6, 4]],
    [[2, 0, 3], 1, 2, [2, 0]],
  ] as const)('flatten matches a TF.js reshape for %j from %d to %d', (shape, a, b, expected) => {
    const x = rand([...shape]);
    expectClose(flatten(x, a, b), tf.reshape(toTf(x), [...expected]));
  });
  it('keep transposed views as views', () => {
    const t = transpose(rand([2, 3]));
    const e = expandDims(t, 1);
    expect(e.data).toBe(t.data);
    expect(e.shape).toEqual([3, 1, 2]);
    expect(squeeze(e).data).toBe(t.data);
    expectClose(squeeze(e), t);
  });
  it('have finite-difference gradients', () => {
    gradcheck((x) => expandDims(x, -1), [rand([2, 3])]);
    gradcheck((x) => squeeze(x, 0), [rand([1, 3])]);
    gradcheck((x) => flatten(transpose(x), 1), [rand([2, 3, 2])]);
  });
  it('reject bad axes', () => {
    expect(() => expandDims(rand([2]), 3)).toThrow('TENSOR_INVALID_AXIS');
    expect(() => squeeze(rand([2, 3]), 1)).toThrow('TENSOR_INVALID_AXIS: cannot squeeze axis 1 of size 3 in [2, 3]');
    expect(() => flatten(rand([2, 3]), 1, 0)).toThrow('TENSOR_INVALID_AXIS');
  });
});
