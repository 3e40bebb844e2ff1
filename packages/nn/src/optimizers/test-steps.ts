import { Tensor } from '@trainyard/tensor';
import { expect } from 'vitest';
import type { Optimizer } from './optimizer.js';

/** Runs one step per gradient row on a single parameter starting at w0; returns the weights after each step. */
export function steps(opt: Optimizer, w0: number[], grads: number[][]): number[][] {
  const p = new Tensor(new Float32Array(w0), [w0.length], true);
  opt.build([p]);
  return grads.map((g) => {
    p.grad = new Tensor(new Float32Array(g), [g.length]);
    opt.apply([p]);
    return Array.from(p.data);
  });
}

/** Element-wise toBeCloseTo over nested rows. */
export const close = (a: number[][], b: number[][], digits = 6): void =>
  a.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(b[i][j], digits)));
