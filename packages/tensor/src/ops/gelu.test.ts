import { describe, expect, it } from 'vitest';
import { describeEmptyUnary, expectGradsMatchTf } from '../test-utils/edge-cases.js';
import { describeUnaryOp, rand, tf } from '../test-utils/oracle.js';
import { erf, gelu } from './gelu.js';

// TF.js has no gelu op; the oracle composes it from tf.erf / tf.tanh.
const exact = (x: tf.Tensor): tf.Tensor => tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
const approx = (x: tf.Tensor): tf.Tensor =>
  tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));

describeUnaryOp('gelu (exact erf form)', { ours: (x) => gelu(x), theirs: exact });
describeUnaryOp('gelu (tanh approximation)', { ours: (x) => gelu(x, true), theirs: approx });
describeEmptyUnary('gelu', (x) => gelu(x), exact);

describe('erf', () => {
  it('matches tabulated values to float32 precision', () => {
    // Abramowitz & Stegun table 7.1.
    const table: [number, number][] = [
      [0, 0],
      [0.1, 0.112462916],
      [0.5, 0.5204998778],
      [1, 0.8427007929],
      [2, 0.995322265],
      [-1.5, -0.9661051465],
    ];
    for (const [x, v] of table) expect(Math.abs(erf(x) - v)).toBeLessThan(2e-7);
  });
  it('gelu gradients match tf.grad of the composed TF.js forms', () => {
    expectGradsMatchTf((x) => gelu(x), exact, [rand([3, 4], 8, -4, 4)]);
    expectGradsMatchTf((x) => gelu(x, true), approx, [rand([3, 4], 9, -4, 4)]);
  });
  it('tells the two gelu forms apart', () => {
    // They differ by ~1e-4 around |x| ≈ 2; a flag that did nothing would fail here.
    const x = 2;
    expect(Math.abs(gelu(x).item() - gelu(x, true).item())).toBeGreaterThan(1e-5);
  });
});
