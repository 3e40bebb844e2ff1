import { describeUnaryOp, tf } from '../test-utils/oracle.js';
import { tanh } from './tanh.js';

describeUnaryOp('tanh', { ours: tanh, theirs: tf.tanh });
