import { describe, expect, it } from 'vitest';
import { add } from '../ops/add.js';
import { mul } from '../ops/mul.js';
import { relu } from '../ops/relu.js';
import { sum } from '../ops/sum.js';
import { Tensor } from '../tensor.js';
import { gradBuffer, isGradBuffer, recycleGradBuffer } from './grad-pool.js';

const N = 1 << 16; // large enough to be pooled

function values(seed: number): Float32Array {
  return new Float32Array(N).map((_, i) => Math.sin(seed * 3.7 + i * 0.91));
}

describe('gradient buffer pool', () => {
  it('hands back a recycled array zero-filled, and never the same array twice', () => {
    const a = gradBuffer(N);
    expect(isGradBuffer(a)).toBe(true);
    a.fill(7);
    recycleGradBuffer(a);
    recycleGradBuffer(a);
    expect(gradBuffer(N)).toBe(a);
    expect(a.every((v) => v === 0)).toBe(true);
    expect(gradBuffer(N)).not.toBe(a);
  });

  it('leaves small arrays to the allocator', () => {
    expect(isGradBuffer(gradBuffer(10))).toBe(false);
  });

  // relu(h)'s gradient is pooled and add hands that one array to both branches: recycling it
  // after the first branch would let the second branch's relu reuse it while still reading it.
  it('does not recycle a gradient that another pending node still holds', () => {
    const x1v = values(1);
    const x2v = values(2);
    const wv = values(3);
    for (let step = 0; step < 3; step++) {
      const x1 = new Tensor(x1v.slice(), [N], true);
      const x2 = new Tensor(x2v.slice(), [N], true);
      const h = add(relu(x1), relu(x2));
      sum(mul(relu(h), new Tensor(wv, [N]))).backward();
      for (let i = 0; i < N; i += 97) {
        const up = h.data[i] > 0 ? wv[i] : 0;
        expect(x1.grad!.data[i]).toBe(x1v[i] > 0 ? up : 0);
        expect(x2.grad!.data[i]).toBe(x2v[i] > 0 ? up : 0);
      }
    }
  });
});
