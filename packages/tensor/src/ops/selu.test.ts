import { it } from 'vitest';
import { describeEmptyUnary, expectGradsMatchTf } from '../test-utils/edge-cases.js';
import { describeUnaryOp, rand, tf } from '../test-utils/oracle.js';
import { selu } from './selu.js';

describeUnaryOp('selu', { ours: selu, theirs: tf.selu });
describeEmptyUnary('selu', selu, tf.selu);

it('selu gradients match tf.grad', () => expectGradsMatchTf(selu, tf.selu, [rand([3, 4], 8, -3, 3)]));
