import { it } from 'vitest';
import { describeEmptyUnary, expectGradsMatchTf } from '../test-utils/edge-cases.js';
import { describeUnaryOp, rand, tf } from '../test-utils/oracle.js';
import { rsqrt } from './rsqrt.js';

describeUnaryOp('rsqrt', { ours: rsqrt, theirs: tf.rsqrt, low: 0.3, high: 3 });
describeEmptyUnary('rsqrt', rsqrt, tf.rsqrt);

it('rsqrt gradients match tf.grad', () => expectGradsMatchTf(rsqrt, tf.rsqrt, [rand([3, 4], 8, 0.3, 3)]));
