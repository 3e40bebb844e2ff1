import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { scalar } from '../creation.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { stack } from './stack.js';

describe('stack', () => {
  it.each([
    [[], 0, 3],
    [[3], 0, 2],
    [[3], 1, 2],
    [[2, 3], -1, 3],
    [[2, 3], 1, 1],
    [[0, 2], 0, 2],
  ] as const)('matches TF.js for %j on axis %d (%d tensors)', (shape, axis, n) => {
    const xs = Array.from({ length: n }, (_, i) => rand([...shape], i + 1));
    expectClose(stack(xs, axis), tf.stack(xs.map(toTf), axis));
  });
  it('stacks scalars into a vector', () => {
    expect(stack([scalar(1), scalar(2)]).toArray()).toEqual([1, 2]);
  });
  it('has finite-difference gradients', () => {
    gradcheck((a, b) => stack([a, b], 1), [rand([2, 3]), rand([2, 3], 2)]);
  });
  it('needs equal shapes and a valid axis', () => {
    expect(() => stack([rand([2, 3]), rand([3, 2])])).toThrow(
      'TENSOR_SHAPE_MISMATCH: stack cannot join [2, 3] with [3, 2]',
    );
    expect(() => stack([rand([2])], 2)).toThrow('TENSOR_INVALID_AXIS');
    expect(() => stack([])).toThrow('TENSOR_INVALID_ARGUMENT');
  });
});
