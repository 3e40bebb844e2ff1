import { describe, expect, it } from 'vitest';
import { record } from './engine.js';
import { gradcheck } from './gradcheck.js';
import { rand } from '../test-utils/oracle.js';
import { Tensor } from '../tensor.js';
import { mul } from '../ops/mul.js';

// x³ with a deliberately wrong derivative (2x instead of 3x²).
function brokenCube(x: Tensor): Tensor {
  const out = new Tensor(
    x.data.map((v) => v * v * v),
    x.shape,
  );
  return record(out, 'brokenCube', [x], (g) => [g.map((gi, i) => gi * 2 * x.data[i])]);
}

describe('gradcheck', () => {
  it('passes a correct gradient and reports a small error', () => {
    expect(gradcheck((a, b) => mul(a, b), [rand([3, 2]), rand([2], 2)])).toBeLessThan(1e-3);
  });
  it('throws on a wrong gradient', () => {
    expect(() => gradcheck(brokenCube, [rand([4], 1, 0.5, 1.5)])).toThrow(/gradcheck: input 0 element 0/);
  });
});
