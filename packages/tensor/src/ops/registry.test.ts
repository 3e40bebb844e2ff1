import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import * as api from '../index.js';
import { rand } from '../test-utils/oracle.js';
import type { Tensor } from '../tensor.js';
import { OP_REGISTRY } from './registry.js';

// One gradient-check case per differentiable op: a function of tensors and its inputs.
const CASES: Record<string, [(...t: Tensor[]) => Tensor, Tensor[]]> = {
  add: [api.add, [rand([2, 3]), rand([3], 2)]],
  sub: [api.sub, [rand([2, 3]), rand([2, 1], 2)]],
  mul: [api.mul, [rand([2, 3]), rand([3], 2)]],
  div: [api.div, [rand([2, 3]), rand([3], 2, 0.5, 2)]],
  maximum: [api.maximum, [rand([2, 3]), rand([2, 3], 2)]],
  neg: [api.neg, [rand([4])]],
  exp: [api.exp, [rand([4])]],
  log: [api.log, [rand([4], 1, 0.5, 2)]],
  relu: [api.relu, [rand([6])]],
  sigmoid: [api.sigmoid, [rand([4])]],
  tanh: [api.tanh, [rand([4])]],
  square: [api.square, [rand([4])]],
  sqrt: [api.sqrt, [rand([4], 1, 0.5, 2)]],
  abs: [api.abs, [rand([4])]],
  clip: [(x) => api.clip(x, -0.5, 0.5), [rand([6])]],
  matmul: [api.matmul, [rand([2, 3]), rand([3, 2], 2)]],
  reshape: [(x) => api.reshape(x, [3, 2]), [rand([2, 3])]],
  transpose: [(x) => api.transpose(x), [rand([2, 3])]],
  sum: [(x) => api.sum(x, 1), [rand([2, 3])]],
  max: [(x) => api.max(x, 1), [rand([2, 3])]],
  gather: [(x) => api.gather(x, [2, 0]), [rand([3, 2])]],
  mean: [(x) => api.mean(x, 0), [rand([2, 3])]],
  softmax: [(x) => api.softmax(x), [rand([2, 3])]],
  logSoftmax: [(x) => api.logSoftmax(x), [rand([2, 3])]],
};

describe('op registry', () => {
  it('has unique names, each exported under its own name', () => {
    const names = OP_REGISTRY.map((op) => op.name);
    expect(new Set(names).size).toBe(names.length);
    for (const op of OP_REGISTRY) expect((api as Record<string, unknown>)[op.name]).toBe(op.fn);
  });

  it('lists exactly the differentiable ops that have a gradient-check case', () => {
    const differentiable = OP_REGISTRY.filter((op) => op.differentiable).map((op) => op.name).sort();
    expect(Object.keys(CASES).sort()).toEqual(differentiable);
  });

  it.each(OP_REGISTRY.filter((op) => op.differentiable).map((op) => [op.name, op.kind] as const))(
    '%s (%s) has a gradient that passes the finite-difference check',
    (name, kind) => {
      const [fn, inputs] = CASES[name];
      const leaves = inputs.map((t) => api.tensor(t.data.slice(), t.shape, true));
      const out = fn(...leaves);
      // Primitives record their own backward; composites record only the primitives they use.
      if (kind === 'primitive') expect(out._op).toBe(name);
      else expect(out._op).not.toBe(name);
      expect(out._backward).not.toBeNull();
      gradcheck(fn, inputs);
    },
  );

  it('records no graph for non-differentiable ops', () => {
    const x = api.tensor([[0.2, 0.9], [1, 0]], undefined, true);
    expect(api.argmax(x).requiresGrad).toBe(false);
    expect(api.stopGradient(x).requiresGrad).toBe(false);
    expect(api.oneHot(api.tensor([1, 0]), 2).requiresGrad).toBe(false);
    expect(OP_REGISTRY.filter((op) => !op.differentiable).map((op) => op.name).sort()).toEqual(['argmax', 'oneHot', 'stopGradient']);
  });
});
