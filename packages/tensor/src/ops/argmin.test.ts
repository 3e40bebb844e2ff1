import { describe, expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { argmin } from './argmin.js';

const CASES: [number[], number][] = [
  [[7], 0],
  [[3, 5], -1],
  [[3, 5], 0],
  [[2, 3, 4], 1],
  [[2, 3, 4], 0],
  [[0, 4], 1],
];

describe('argmin', () => {
  it.each(CASES)('matches TF.js for %j axis %d', (shape, axis) => {
    const x = rand(shape);
    expectClose(argmin(x, axis), tf.argMin(toTf(x), axis));
  });
  it('keeps the reduced axis with keepDims', () => {
    const x = rand([2, 3, 4]);
    expectClose(argmin(x, 1, true), tf.expandDims(tf.argMin(toTf(x), 1), 1));
  });
  it('picks the first of tied minima and records no graph', () => {
    const x = tensor(
      [
        [5, 1, 1],
        [0, 2, 0],
      ],
      undefined,
      true,
    );
    const i = argmin(x);
    expect(i.toArray()).toEqual([1, 0]);
    expect(i.requiresGrad).toBe(false);
    expect(argmin(x, 0).toArray()).toEqual([1, 0, 1]);
  });
  it('rejects an empty axis and a rank-0 input', () => {
    expect(() => argmin(rand([2, 0]))).toThrow('TENSOR_INVALID_ARGUMENT');
    expect(() => argmin(rand([]))).toThrow('TENSOR_INVALID_AXIS');
  });
});
