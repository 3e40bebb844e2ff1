import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { tensor } from '../creation.js';
import { Tensor } from '../tensor.js';
import { expectClose, rand, tf, toTf } from '../test-utils/oracle.js';
import { globalAvgPool2d, globalMaxPool2d } from './global-pool.js';

const OPS = [
  ['globalAvgPool2d', globalAvgPool2d, (t: tf.Tensor) => tf.mean(t, [1, 2])],
  ['globalMaxPool2d', globalMaxPool2d, (t: tf.Tensor) => tf.max(t, [1, 2])],
] as const;
const SHAPES = [
  [1, 1, 1, 1],
  [2, 3, 5, 4],
  [3, 7, 7, 2],
];

describe.each(OPS)('%s', (_name, ours, theirs) => {
  it.each(SHAPES.map((s) => [s]))('matches TF.js values and gradients for %j', (shape) => {
    const x = rand(shape, 1);
    const tx = toTf(x);
    const y = theirs(tx);
    const u = rand(y.shape, 2);
    const dx = tf.grad((t: tf.Tensor) => theirs(t).mul(toTf(u)).sum())(tx);
    const leaf = new Tensor(x.data.slice(), x.shape, true);
    const out = ours(leaf);
    expectClose(out, y);
    out.backward(u);
    expectClose(leaf.grad!, dx);
  });
  it('has finite-difference gradients', () => {
    gradcheck(ours, [rand([2, 3, 2, 3], 3)]);
  });
  it('rejects a rank other than 4', () => {
    expect(() => ours(rand([3, 3, 2]))).toThrow('needs NHWC input of rank 4, got [3, 3, 2]');
  });
});

it('globalMaxPool2d routes the gradient of an all -Infinity channel to its first pixel', () => {
  const x = new Tensor(new Float32Array([-Infinity, -Infinity]), [1, 2, 1, 1], true);
  globalMaxPool2d(x).backward(tensor([[1]]));
  expect([...x.grad!.data]).toEqual([1, 0]);
});
