import { describeUnaryOp, tf } from '../test-utils/oracle.js';
import { sigmoid } from './sigmoid.js';

describeUnaryOp('sigmoid', { ours: sigmoid, theirs: tf.sigmoid });
