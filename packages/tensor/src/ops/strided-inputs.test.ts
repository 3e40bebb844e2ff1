// The ops of issue items 3–5 read inputs through contiguousData, so a strided, offset view must
// give exactly what its packed copy gives. A transposed view with an offset into a larger buffer
// is the hardest layout: neither contiguous nor starting at 0.
import { describe, expect, it } from 'vitest';
import { rand } from '../test-utils/oracle.js';
import { Tensor } from '../tensor.js';
import { argmin } from './argmin.js';
import { equal, less } from './compare.js';
import { dot } from './dot.js';
import { gelu } from './gelu.js';
import { logSumExp } from './logsumexp.js';
import { matmul } from './matmul.js';
import { min } from './min.js';
import { minimum } from './minimum.js';
import { outer } from './outer.js';
import { pow } from './pow.js';
import { prod } from './prod.js';
import { softplus } from './softplus.js';
import { tensordot } from './tensordot.js';
import { variance } from './variance.js';
import { where } from './where.js';

// A [3, 4] view: the transpose of a [4, 3] block stored after 5 unrelated values.
function transposedView(seed: number): [Tensor, Tensor] {
  const packed = rand([3, 4], seed, 0.5, 1.5);
  const buffer = new Float32Array(5 + 12).fill(NaN);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) buffer[5 + j * 3 + i] = packed.data[i * 4 + j];
  const view = new Tensor(buffer, [3, 4], false, { strides: [1, 3], offset: 5 });
  return [view, packed];
}

const UNARY: [string, (x: Tensor) => Tensor][] = [
  ['gelu', (x) => gelu(x)],
  ['softplus', softplus],
  ['min', (x) => min(x, 0)],
  ['prod', (x) => prod(x, 1, true)],
  ['argmin', (x) => argmin(x, 0)],
  ['variance', (x) => variance(x, [0, 1])],
  ['logSumExp', (x) => logSumExp(x, -1)],
  ['matmul with transposeB', (x) => matmul(x, x, false, true)],
  ['tensordot', (x) => tensordot(x, x, [[0], [0]])],
  ['dot', (x) => dot(x, rand([4], 3))],
  ['outer', (x) => outer(x, x)],
];

const BINARY: [string, (x: Tensor, y: Tensor) => Tensor][] = [
  ['pow', pow],
  ['minimum', minimum],
  ['less', less],
  ['equal', equal],
  ['where', (x, y) => where(less(x, y), x, y)],
];

describe('strided, offset views as inputs', () => {
  it('are really views (the guard against a test that cannot fail)', () => {
    const [view] = transposedView(1);
    expect(view.isContiguous).toBe(false);
    expect(view.offset).toBe(5);
  });
  it.each(UNARY)('%s reads a view as its packed copy', (_, f) => {
    const [view, packed] = transposedView(1);
    expect(f(view).toArray()).toEqual(f(packed).toArray());
  });
  it.each(BINARY)('%s reads views as their packed copies', (_, f) => {
    const [v1, p1] = transposedView(1);
    const [v2, p2] = transposedView(2);
    expect(f(v1, v2).toArray()).toEqual(f(p1, p2).toArray());
  });
});
