import { describe, expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { argmax } from './argmax.js';

describe('argmax', () => {
  it.each([
    [[7], 0],
    [[3, 5], -1],
    [[3, 5], 0],
    [[2, 3, 4], 1],
  ] as const)('matches TF.js for %j axis %d', (shape, axis) => {
    const x = rand([...shape]);
    expectClose(argmax(x, axis), tf.argMax(toTf(x), axis));
  });
  it('picks the first of tied maxima and records no graph', () => {
    const x = tensor(
      [
        [1, 5, 5],
        [2, 0, 1],
      ],
      undefined,
      true,
    );
    const i = argmax(x);
    expect(i.toArray()).toEqual([1, 0]);
    expect(i.requiresGrad).toBe(false);
  });
});
