import { describeBinaryOp, tf } from '../test-utils/oracle.js';
import { sub } from './sub.js';

describeBinaryOp('sub', { ours: sub, theirs: tf.sub });
