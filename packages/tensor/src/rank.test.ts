import { describe, expect, it } from 'vitest';
import { gradcheck } from './autograd/gradcheck.js';
import { tensor, zeros } from './creation.js';
import { add, contiguous, reshape, sum, transpose } from './index.js';
import { expectClose, rand, tf, toTf } from './test-utils/oracle.js';

// Every rank Keras users meet, 0 (scalars) to 6, through creation, views, broadcasting,
// reductions and gradients, compared with TensorFlow.js.
const SHAPES: number[][] = [[], [3], [2, 3], [2, 1, 3], [2, 3, 1, 2], [1, 2, 3, 1, 2], [2, 1, 2, 3, 1, 2]];

describe.each(SHAPES.map((shape) => ({ rank: shape.length, shape })))('rank $rank', ({ shape }) => {
  it('round-trips through toArray and nested-array creation', () => {
    const x = rand(shape, 3);
    expect(x.ndim).toBe(shape.length);
    const back = tensor(x.toArray() as number[], shape);
    expect(back.dataSync()).toEqual(x.dataSync());
    expect(zeros(shape).size).toBe(shape.reduce((a, b) => a * b, 1));
  });

  it('transposes by a reversed permutation as a view, like tf.transpose', () => {
    const x = rand(shape, 4);
    const perm = shape.map((_, i) => shape.length - 1 - i);
    const t = transpose(x, perm);
    expect(t.data).toBe(x.data); // a view: same buffer, new strides
    expectClose(contiguous(t), tf.transpose(toTf(x), perm));
  });

  it('broadcasts against a lower-rank operand and reduces every other axis, with gradients', () => {
    const x = rand(shape, 5);
    const y = rand(shape.slice(-1), 6);
    const axes = shape.map((_, i) => i).filter((i) => i % 2 === 0);
    expectClose(sum(add(x, y), axes, true), tf.sum(tf.add(toTf(x), toTf(y)), axes, true));
    gradcheck((a, b) => sum(add(a, b), axes), [x, y]);
  });

  it('reshapes to rank 1 and back without copying', () => {
    const x = rand(shape, 7);
    const flat = reshape(x, [-1]);
    expect(flat.data).toBe(x.data);
    expect(reshape(flat, shape).toArray()).toEqual(x.toArray());
  });
});
