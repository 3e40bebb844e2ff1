import { describeUnaryOp, tf } from '../test-utils/oracle.js';
import { neg } from './neg.js';

describeUnaryOp('neg', { ours: neg, theirs: tf.neg });
