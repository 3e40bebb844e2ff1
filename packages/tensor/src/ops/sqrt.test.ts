import { describeUnaryOp, tf } from '../test-utils/oracle.js';
import { sqrt } from './sqrt.js';

describeUnaryOp('sqrt', { ours: sqrt, theirs: tf.sqrt, low: 0.2, high: 3 });
