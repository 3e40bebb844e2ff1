import { describeUnaryOp, tf } from '../test-utils/oracle.js';
import { exp } from './exp.js';

describeUnaryOp('exp', { ours: exp, theirs: tf.exp });
