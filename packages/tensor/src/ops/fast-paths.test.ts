// The training hot path has closure-free loops (row-broadcast arithmetic, branch-free relu, the
// bias fused into conv2d). These tests pin them to the generic results, bit for bit, including
// inputs that must fall back to the generic paths (strided views).
import { describe, expect, it } from 'vitest';
import { rand } from '../test-utils/oracle.js';
import { Tensor } from '../tensor.js';
import { add } from './add.js';
import { conv2d } from './conv2d.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { relu } from './relu.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

const leaf = (t: Tensor): Tensor => new Tensor(t.data.slice(), t.shape, true);

// Gradients of sum(f(a, b) * w) for a fixed random w, so every output position is weighted.
function grads(
  f: (a: Tensor, b: Tensor) => Tensor,
  a: Tensor,
  b: Tensor,
  seed: number,
): [number[], number[], number[]] {
  const x = leaf(a);
  const y = leaf(b);
  const out = f(x, y);
  sum(mul(out, rand(out.shape, seed))).backward();
  return [[...out.data], [...x.grad!.data], [...y.grad!.data]];
}

describe('row-broadcast arithmetic', () => {
  const OPS: [string, (a: Tensor, b: Tensor) => Tensor][] = [
    ['add', add],
    ['sub', sub],
    ['mul', mul],
    ['div', div],
  ];
  it.each(OPS)('%s of [N,H,W,C] and [C] matches the same op on the explicitly repeated row', (_, f) => {
    const a = rand([3, 5, 3, 7], 1, 0.5, 1.5);
    const b = rand([7], 2, 0.5, 1.5);
    const tiled = new Tensor(
      new Float32Array(a.size).map((_, i) => b.data[i % 7]),
      a.shape,
    );
    const [out, ga, gb] = grads(f, a, b, 3);
    const [outT, gaT, gbT] = grads(f, a, tiled, 3);
    expect(out).toEqual(outT);
    expect(ga).toEqual(gaT);
    // The broadcast operand's gradient is the column sum of the tiled one's.
    const colSum = new Array<number>(7).fill(0);
    gbT.forEach((v, i) => (colSum[i % 7] += v));
    gb.forEach((v, i) => expect(v).toBeCloseTo(colSum[i], 4));
  });

  it('a transposed (strided) input with a row operand equals its packed copy', () => {
    const packed = rand([4, 3], 4);
    const buffer = new Float32Array(2 + 12).fill(NaN);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) buffer[2 + j * 4 + i] = packed.data[i * 3 + j];
    const view = new Tensor(buffer, [4, 3], false, { strides: [1, 4], offset: 2 });
    expect(view.isContiguous).toBe(false);
    const row = rand([3], 5);
    expect(add(view, row).toArray()).toEqual(add(packed, row).toArray());
    expect(div(row, view).toArray()).toEqual(div(row, packed).toArray());
  });
});

describe('relu', () => {
  it('gives +0 for NaN, -0 and negatives, keeps positives and Infinity, forward and backward', () => {
    const x = new Tensor(new Float32Array([NaN, -0, 0, -2, 3, Infinity, -Infinity, 1e-40]), [8], true);
    const y = relu(x);
    expect([...y.data]).toEqual([0, 0, 0, 0, 3, Infinity, 0, Math.fround(1e-40)]);
    expect([...y.data].every((v) => !Object.is(v, -0))).toBe(true);
    y.backward(new Tensor(new Float32Array([1, 1, 1, 1, NaN, -5, 1, 2]), [8]));
    expect([...x.grad!.data]).toEqual([0, 0, 0, 0, NaN, -5, 0, 2]);
  });

  it('reads a packed tensor whose data starts inside a larger buffer', () => {
    const buffer = new Float32Array([9, 9, 9, -1, 2, -3, 4]);
    const x = new Tensor(buffer.subarray(3), [4]);
    expect([...relu(x).data]).toEqual([0, 2, 0, 4]);
  });
});

describe('conv2d with a fused bias', () => {
  it.each([
    ['valid', 1],
    ['same', 2],
  ] as const)('equals add(conv2d(x, w), bias) with padding %s, stride %d', (padding, strides) => {
    const x = rand([2, 6, 5, 3], 6);
    const w = rand([3, 3, 3, 4], 7);
    const b = rand([4], 8);
    const run = (fused: boolean): number[][] => {
      const [xl, wl, bl] = [leaf(x), leaf(w), leaf(b)];
      const y = fused ? conv2d(xl, wl, { padding, strides, bias: bl }) : add(conv2d(xl, wl, { padding, strides }), bl);
      sum(mul(y, rand(y.shape, 9))).backward();
      return [[...y.data], [...xl.grad!.data], [...wl.grad!.data], [...bl.grad!.data]];
    };
    expect(run(true)).toEqual(run(false));
  });

  it.each([
    ['valid', 1],
    ['same', 2],
  ] as const)('with activation relu equals relu(conv2d(x, w, { bias })), padding %s, stride %d', (padding, strides) => {
    const x = rand([2, 6, 5, 3], 6);
    const w = rand([3, 3, 3, 4], 7);
    const b = rand([4], 8);
    const run = (fused: boolean): number[][] => {
      const [xl, wl, bl] = [leaf(x), leaf(w), leaf(b)];
      const y = fused
        ? conv2d(xl, wl, { padding, strides, bias: bl, activation: 'relu' })
        : relu(conv2d(xl, wl, { padding, strides, bias: bl }));
      sum(mul(y, rand(y.shape, 9))).backward();
      return [[...y.data], [...xl.grad!.data], [...wl.grad!.data], [...bl.grad!.data]];
    };
    expect(run(true)).toEqual(run(false));
  });

  it('rejects a bias that does not match the output channels', () => {
    expect(() => conv2d(rand([1, 4, 4, 2], 1), rand([3, 3, 2, 5], 2), { bias: rand([4], 3) })).toThrow(
      'TENSOR_SHAPE_MISMATCH',
    );
  });
});
