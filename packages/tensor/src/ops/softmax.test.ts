import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { logSoftmax, softmax } from './softmax.js';

const CASES: [number[], number][] = [
  [[5], 0],
  [[3, 4], -1],
  [[3, 4], 0],
  [[2, 3, 4], 1],
];

describe('softmax / logSoftmax', () => {
  it.each(CASES)('match TF.js for %j along axis %d', (shape, axis) => {
    const x = rand(shape, 1, -4, 4);
    const moved = (f: (t: tf.Tensor) => tf.Tensor): tf.Tensor => {
      // TF.js only supports the last axis: move `axis` last and back.
      const rank = shape.length;
      const ax = axis < 0 ? axis + rank : axis;
      const perm = [...Array(rank).keys()].filter((i) => i !== ax).concat(ax);
      const inverse = perm.map((_, i) => perm.indexOf(i));
      return tf.transpose(f(tf.transpose(toTf(x), perm)), inverse);
    };
    expectClose(
      softmax(x, axis),
      moved((t) => tf.softmax(t)),
    );
    expectClose(
      logSoftmax(x, axis),
      moved((t) => tf.logSoftmax(t)),
    );
  });
  it.each(CASES)('have finite-difference gradients for %j along axis %d', (shape, axis) => {
    gradcheck((x) => softmax(x, axis), [rand(shape, 2)]);
    gradcheck((x) => logSoftmax(x, axis), [rand(shape, 3)]);
  });
  it('stay finite for huge logits', () => {
    const x = tensor([[1000, 0, -1000]]);
    expectClose(softmax(x), { shape: [1, 3], data: [1, 0, 0] });
    expectClose(logSoftmax(x), { shape: [1, 3], data: [0, -1000, -2000] });
    expect(softmax(x).data.every(Number.isFinite)).toBe(true);
  });
});
