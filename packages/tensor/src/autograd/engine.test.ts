import { describe, expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { add } from '../ops/add.js';
import { mul } from '../ops/mul.js';
import { sum } from '../ops/sum.js';
import { noGrad, isGradEnabled } from './engine.js';

describe('autograd engine', () => {
  it('sums gradients over every path (fan-out) and accumulates across backward calls', () => {
    const x = tensor([1, 2, 3], undefined, true);
    // y = Σ (x·x + x) → dy/dx = 2x + 1
    const y = () => sum(add(mul(x, x), x));
    y().backward();
    expect(x.grad?.toArray()).toEqual([3, 5, 7]);
    y().backward();
    expect(x.grad?.toArray()).toEqual([6, 10, 14]);
    x.zeroGrad();
    expect(x.grad?.toArray()).toEqual([0, 0, 0]);
  });

  it('keeps gradients of two leaves independent when an op passes one array to both', () => {
    const a = tensor([1, 2], undefined, true);
    const b = tensor([3, 4], undefined, true);
    sum(add(a, b)).backward();
    a.grad!.data[0] = 100;
    expect(b.grad?.toArray()).toEqual([1, 1]);
  });

  it('frees the graph after backward and refuses a second pass through it', () => {
    const x = tensor([1, 2], undefined, true);
    const h = mul(x, 3);
    const y = sum(h);
    y.backward();
    expect(h._parents).toEqual([]);
    expect(h._backward).toBeNull();
    expect(y._parents).toEqual([]);
    expect(() => y.backward()).toThrow('TENSOR_NO_GRAD');
  });

  it('records nothing inside noGrad and restores the mode afterwards, even on throw', () => {
    const x = tensor([1], undefined, true);
    const y = noGrad(() => mul(x, 2));
    expect(y.requiresGrad).toBe(false);
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    expect(mul(x, 2).requiresGrad).toBe(true);
  });

  it('needs a scalar or an explicit gradient', () => {
    const x = tensor([1, 2], undefined, true);
    expect(() => mul(x, 2).backward()).toThrow('TENSOR_NOT_SCALAR');
    expect(() => tensor([1]).backward()).toThrow('TENSOR_NO_GRAD');
  });

  it('handles deep graphs without recursion limits', () => {
    const x = tensor([1], undefined, true);
    let y = x;
    for (let i = 0; i < 20000; i++) y = add(y, 1);
    sum(y).backward();
    expect(x.grad?.item()).toBe(1);
  });
});
