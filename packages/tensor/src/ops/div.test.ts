import { describeBinaryOp, tf } from '../test-utils/oracle.js';
import { div } from './div.js';

// Divisors kept in [0.5, 2] so finite differences stay well-conditioned.
describeBinaryOp('div', { ours: div, theirs: tf.div, bLow: 0.5, bHigh: 2 });
