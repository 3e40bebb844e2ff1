import { it } from 'vitest';
import { describeEmptyUnary, expectGradsMatchTf } from '../test-utils/edge-cases.js';
import { describeUnaryOp, rand, tf } from '../test-utils/oracle.js';
import { log1p } from './log1p.js';

describeUnaryOp('log1p', { ours: log1p, theirs: tf.log1p, low: -0.5, high: 3 });
describeEmptyUnary('log1p', log1p, tf.log1p);

it('log1p gradients match tf.grad', () => expectGradsMatchTf(log1p, tf.log1p, [rand([3, 4], 8, -0.5, 3)]));
