import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { pad } from './pad.js';
import { transpose } from './transpose.js';

describe('pad', () => {
  it.each([
    [[3], [[1, 2]], 0],
    [
      [2, 3],
      [
        [0, 1],
        [2, 0],
      ],
      -1.5,
    ],
    [
      [2, 3, 2],
      [
        [1, 1],
        [0, 0],
        [3, 1],
      ],
      0,
    ],
    [
      [0, 2],
      [
        [1, 0],
        [1, 1],
      ],
      7,
    ],
  ] as const)('matches TF.js for %j padded %j with %d', (shape, paddings, value) => {
    const x = rand([...shape]);
    const p = paddings.map(([a, b]) => [a, b] as [number, number]);
    expectClose(pad(x, p, value), tf.pad(toTf(x), p, value));
  });
  it('pads views, scalars (nothing to pad) and int32 tensors', () => {
    expect(pad(tensor(4), []).toArray()).toBe(4);
    expect(
      pad(
        transpose(
          tensor([
            [1, 2],
            [3, 4],
          ]),
        ),
        [
          [0, 0],
          [1, 0],
        ],
      ).toArray(),
    ).toEqual([
      [0, 1, 3],
      [0, 2, 4],
    ]);
    const ints = pad(tensor(new Int32Array([5])), [[1, 1]], -1);
    expect(ints.dtype).toBe('int32');
    expect(ints.toArray()).toEqual([-1, 5, -1]);
  });
  it('has finite-difference gradients', () => {
    gradcheck(
      (x) =>
        pad(
          x,
          [
            [1, 0],
            [2, 1],
          ],
          3,
        ),
      [rand([2, 3])],
    );
  });
  it('needs one non-negative pair per axis', () => {
    expect(() => pad(rand([2, 3]), [[1, 1]])).toThrow('TENSOR_INVALID_ARGUMENT');
    expect(() => pad(rand([2]), [[-1, 0]])).toThrow('TENSOR_INVALID_ARGUMENT');
  });
});
