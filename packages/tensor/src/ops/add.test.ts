import { describeBinaryOp, tf } from '../test-utils/oracle.js';
import { add } from './add.js';

describeBinaryOp('add', { ours: add, theirs: tf.add });
