import { describeUnaryOp, tf } from '../test-utils/oracle.js';
import { abs } from './abs.js';

describeUnaryOp('abs', { ours: abs, theirs: tf.abs });
