import { describeUnaryOp, tf } from '../test-utils/oracle.js';
import { log } from './log.js';

describeUnaryOp('log', { ours: log, theirs: tf.log, low: 0.2, high: 3 });
