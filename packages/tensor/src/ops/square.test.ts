import { describeUnaryOp, tf } from '../test-utils/oracle.js';
import { square } from './square.js';

describeUnaryOp('square', { ours: square, theirs: tf.square });
