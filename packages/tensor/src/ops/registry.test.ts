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
  matmul: [(a, b) => api.matmul(a, b), [rand([2, 3]), rand([3, 2], 2)]],
  reshape: [(x) => api.reshape(x, [3, 2]), [rand([2, 3])]],
  transpose: [(x) => api.transpose(x), [rand([2, 3])]],
  sum: [(x) => api.sum(x, 1), [rand([2, 3])]],
  max: [(x) => api.max(x, 1), [rand([2, 3])]],
  gather: [(x) => api.gather(x, [2, 0]), [rand([3, 2])]],
  slice: [(x) => api.slice(x, '1:, ::-2'), [rand([3, 4])]],
  concat: [(a, b) => api.concat([a, b], 1), [rand([2, 3]), rand([2, 2], 2)]],
  pad: [
    (x) =>
      api.pad(x, [
        [1, 0],
        [0, 2],
      ]),
    [rand([2, 3])],
  ],
  broadcastTo: [(x) => api.broadcastTo(x, [2, 3, 2]), [rand([3, 1])]],
  contiguous: [(x) => api.contiguous(api.transpose(x)), [rand([2, 3])]],
  stack: [(a, b) => api.stack([a, b], 1), [rand([2, 3]), rand([2, 3], 2)]],
  split: [(x) => api.split(x, [1, 2], 1)[1], [rand([2, 3])]],
  tile: [(x) => api.tile(x, [2, 1, 3]), [rand([2, 3])]],
  expandDims: [(x) => api.expandDims(x, 1), [rand([2, 3])]],
  squeeze: [(x) => api.squeeze(x), [rand([2, 1, 3])]],
  flatten: [(x) => api.flatten(x), [rand([2, 3])]],
  conv2d: [(x, w) => api.conv2d(x, w, { strides: 2, padding: 'same' }), [rand([1, 5, 4, 2]), rand([3, 3, 2, 2], 2)]],
  depthwiseConv2d: [
    (x, w) => api.depthwiseConv2d(x, w, { strides: 2, padding: 'same' }),
    [rand([1, 5, 4, 2]), rand([3, 3, 2, 2], 2)],
  ],
  maxPool2d: [(x) => api.maxPool2d(x, { poolSize: 3, strides: 2, padding: 'same' }), [rand([1, 5, 5, 2])]],
  avgPool2d: [(x) => api.avgPool2d(x, { poolSize: 3, strides: 2, padding: 'same' }), [rand([1, 5, 5, 2])]],
  globalAvgPool2d: [api.globalAvgPool2d, [rand([2, 3, 2, 2])]],
  globalMaxPool2d: [api.globalMaxPool2d, [rand([2, 3, 2, 2])]],
  pow: [api.pow, [rand([2, 3], 1, 0.5, 2), rand([3], 2)]],
  minimum: [api.minimum, [rand([2, 3]), rand([3], 2)]],
  log1p: [api.log1p, [rand([4])]],
  rsqrt: [api.rsqrt, [rand([4], 1, 0.5, 2)]],
  leakyRelu: [(x) => api.leakyRelu(x), [rand([6])]],
  elu: [(x) => api.elu(x), [rand([6])]],
  selu: [api.selu, [rand([6])]],
  softplus: [api.softplus, [rand([6])]],
  gelu: [(x) => api.gelu(x), [rand([6])]],
  where: [(a, b) => api.where(api.tensor([1, 0, 1]), a, b), [rand([2, 3]), rand([3], 2)]],
  min: [(x) => api.min(x, 1), [rand([2, 3])]],
  prod: [(x) => api.prod(x, 0), [rand([2, 3])]],
  variance: [(x) => api.variance(x, 1), [rand([2, 3])]],
  logSumExp: [(x) => api.logSumExp(x, 1), [rand([2, 3])]],
  dot: [api.dot, [rand([2, 3]), rand([3], 2)]],
  tensordot: [(x, y) => api.tensordot(x, y, [[0], [1]]), [rand([3, 2]), rand([2, 3], 2)]],
  outer: [api.outer, [rand([2]), rand([3], 2)]],
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
    const differentiable = OP_REGISTRY.filter((op) => op.differentiable)
      .map((op) => op.name)
      .sort();
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
    const x = api.tensor(
      [
        [0.2, 0.9],
        [1, 0],
      ],
      undefined,
      true,
    );
    expect(api.argmax(x).requiresGrad).toBe(false);
    expect(api.stopGradient(x).requiresGrad).toBe(false);
    expect(api.oneHot(api.tensor([1, 0]), 2).requiresGrad).toBe(false);
    expect(api.argmin(x).requiresGrad).toBe(false);
    expect(api.less(x, 0.5).requiresGrad).toBe(false);
    expect(
      OP_REGISTRY.filter((op) => !op.differentiable)
        .map((op) => op.name)
        .sort(),
    ).toEqual([
      'argmax',
      'argmin',
      'equal',
      'greater',
      'greaterEqual',
      'less',
      'lessEqual',
      'notEqual',
      'oneHot',
      'stopGradient',
    ]);
  });
});
