import { describeBinaryOp, tf } from '../test-utils/oracle.js';
import { mul } from './mul.js';

describeBinaryOp('mul', { ours: mul, theirs: tf.mul });
