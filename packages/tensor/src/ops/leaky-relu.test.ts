import { expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { describeEmptyUnary, expectGradsMatchTf } from '../test-utils/edge-cases.js';
import { describeUnaryOp, tf } from '../test-utils/oracle.js';
import { leakyRelu } from './leaky-relu.js';

describeUnaryOp('leakyRelu (default alpha, as TF.js)', { ours: (x) => leakyRelu(x), theirs: (x) => tf.leakyRelu(x) });
describeUnaryOp('leakyRelu (alpha 0.3, as Keras)', {
  ours: (x) => leakyRelu(x, 0.3),
  theirs: (x) => tf.leakyRelu(x, 0.3),
});
describeEmptyUnary(
  'leakyRelu',
  (x) => leakyRelu(x),
  (x) => tf.leakyRelu(x),
);

it('leakyRelu defaults to alpha 0.2 and passes alpha as the gradient at 0 and below', () => {
  const x = tensor([-2, 0, 3], undefined, true);
  const y = leakyRelu(x);
  expect(Array.from(y.data)).toEqual([Math.fround(-0.4), 0, 3]);
  y.backward(tensor([1, 1, 1]));
  expect(Array.from(x.grad?.data ?? [])).toEqual([Math.fround(0.2), Math.fround(0.2), 1]);
});

it('leakyRelu gradients match tf.grad, including at 0', () =>
  expectGradsMatchTf(
    (x) => leakyRelu(x),
    (x) => tf.leakyRelu(x),
    [
      tensor([
        [-2, 0, 0.5],
        [3, -0.1, 0],
      ]),
    ],
  ));
