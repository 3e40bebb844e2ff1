import { describe, expect, it } from 'vitest';
import { fromInline } from './inline.js';
import { expectDataError } from './test-utils/expect-error.js';

describe('fromInline: good inputs', () => {
  it('reads [N, f] features and [N] class labels; classes is the largest label + 1', () => {
    const ds = fromInline({
      x: [
        [0, 1],
        [1, 0],
        [0.5, -2.25],
      ],
      y: [0, 2, 2],
    });
    expect(ds.name).toBe('inline');
    expect(ds.x).toEqual({ data: new Float32Array([0, 1, 1, 0, 0.5, -2.25]), shape: [3, 2] });
    expect(ds.y).toEqual({ data: new Float32Array([0, 2, 2]), shape: [3] });
    expect(ds.classes).toBe(3);
    expect(ds.test).toBeUndefined();
  });

  it('reads image-like samples [N, h, w] in C order', () => {
    const ds = fromInline({
      x: [
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        [
          [7, 8, 9],
          [10, 11, 12],
        ],
      ],
      y: [1, 0],
    });
    expect(ds.x.shape).toEqual([2, 2, 3]);
    expect([...ds.x.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('treats a 2-D y as targets: any finite values, no classes', () => {
    const ds = fromInline({
      x: [[1], [2]],
      y: [
        [0.5, -1],
        [1e-3, 3],
      ],
    });
    expect(ds.y).toEqual({ data: new Float32Array([0.5, -1, 1e-3, 3]), shape: [2, 2] });
    expect(ds.classes).toBeUndefined();
    // Negative and fractional values are fine as regression targets.
    expect(fromInline({ x: [[1], [2]], y: [[-0.5], [2.5]] }).y.shape).toEqual([2, 1]);
  });

  it('expands a 1-D x to one feature per sample, as Keras does', () => {
    const ds = fromInline({ x: [1, 2, 3], y: [0, 1, 0] });
    expect(ds.x).toEqual({ data: new Float32Array([1, 2, 3]), shape: [3, 1] });
  });
});

describe('fromInline: bad inputs name the offending path', () => {
  const cases: [string, { x: unknown; y: unknown }, string, RegExp, string][] = [
    [
      'ragged row',
      { x: [[0, 1], [1]], y: [0, 1] },
      'DATASET_SHAPE_MISMATCH',
      /^\/x\/1 should be an array of 2 values.*got 1/,
      '/x/1',
    ],
    [
      'ragged deep row',
      { x: [[[1, 2]], [[1, 2]], [[3]]], y: [0, 1, 0] },
      'DATASET_SHAPE_MISMATCH',
      /^\/x\/2\/0 should be an array of 2 values \(like \/x\/0\/0\), got 1/,
      '/x/2/0',
    ],
    ['number where a row belongs', { x: [[0, 1], 5], y: [0, 1] }, 'DATASET_SHAPE_MISMATCH', /^\/x\/1 .*got 5/, '/x/1'],
    [
      'row where a number belongs',
      {
        x: [
          [0, 1],
          [1, [2]],
        ],
        y: [0, 1],
      },
      'DATASET_SHAPE_MISMATCH',
      /^\/x\/1\/1 should be a number/,
      '/x/1/1',
    ],
    [
      'string "NaN"',
      {
        x: [
          [0, 1],
          [1, 'NaN'],
        ],
        y: [0, 1],
      },
      'DATASET_NON_FINITE',
      /^\/x\/1\/1 must be a finite number, got "NaN"/,
      '/x/1/1',
    ],
    [
      'NaN',
      {
        x: [
          [0, 1],
          [Number.NaN, 1],
        ],
        y: [0, 1],
      },
      'DATASET_NON_FINITE',
      /\/x\/1\/0.*NaN/,
      '/x/1/0',
    ],
    [
      'Infinity',
      {
        x: [
          [0, -Infinity],
          [0, 1],
        ],
        y: [0, 1],
      },
      'DATASET_NON_FINITE',
      /\/x\/0\/1.*-Infinity/,
      '/x/0/1',
    ],
    [
      'null (what JSON.stringify writes for NaN)',
      {
        x: [
          [0, 1],
          [0, null],
        ],
        y: [0, 1],
      },
      'DATASET_NON_FINITE',
      /\/x\/1\/1.*null/,
      '/x/1/1',
    ],
    ['a numeric string', { x: [[0, '1']], y: [0] }, 'DATASET_NON_FINITE', /\/x\/0\/1.*"1"/, '/x/0/1'],
    ['an object', { x: [[0, { v: 1 }]], y: [0] }, 'DATASET_NON_FINITE', /\/x\/0\/1.*an object/, '/x/0/1'],
    ['float32 overflow', { x: [[0, 1e39]], y: [0] }, 'DATASET_NON_FINITE', /\/x\/0\/1.*overflows float32/, '/x/0/1'],
    ['NaN in y', { x: [[0], [1]], y: [0, Number.NaN] }, 'DATASET_NON_FINITE', /\/y\/1/, '/y/1'],
    [
      'counts differ',
      {
        x: [
          [0, 1],
          [1, 0],
        ],
        y: [0],
      },
      'DATASET_SHAPE_MISMATCH',
      /x has 2 samples but y has 1/,
      '/y',
    ],
    ['empty x', { x: [], y: [] }, 'DATASET_INVALID', /\/x must not be empty/, '/x'],
    ['empty sample', { x: [[], []], y: [0, 1] }, 'DATASET_INVALID', /\/x\/0 is an empty array/, '/x/0'],
    ['x not an array', { x: 'abc', y: [0] }, 'DATASET_INVALID', /\/x must be an array/, '/x'],
    ['y missing', { x: [[1]], y: undefined }, 'DATASET_INVALID', /\/y must be an array/, '/y'],
    [
      'y of rank 3',
      { x: [[1]], y: [[[1]]] },
      'DATASET_SHAPE_MISMATCH',
      /y must be \[N\] class indices or \[N, k\] targets/,
      '/y',
    ],
    ['ragged y targets', { x: [[1], [2]], y: [[1, 2], [3]] }, 'DATASET_SHAPE_MISMATCH', /^\/y\/1 /, '/y/1'],
    ['too deep', { x: [[[[[[1]]]]]], y: [0] }, 'DATASET_SHAPE_MISMATCH', /nested more than 5 deep/, '/x'],
  ];
  it.each(cases)('%s → %s', (_name, body, code, message, path) => {
    const err = expectDataError(() => fromInline(body), code, message);
    expect(err.details.path).toBe(path);
  });

  // A 1-D y is read as class indices; regression targets must be sent as [N, 1] — the message says so.
  const labels: [string, unknown[], string][] = [
    ['negative', [0, -1], '/y/1'],
    ['fractional', [0.5, 1], '/y/0'],
    ['absurdly large', [0, 1e9], '/y/1'],
  ];
  it.each(labels)('1-D y with a %s label → DATASET_LABEL_OUT_OF_RANGE', (_name, y, path) => {
    const err = expectDataError(
      () => fromInline({ x: [[0], [1]], y }),
      'DATASET_LABEL_OUT_OF_RANGE',
      /class indices.*\[N, 1\] for regression/,
    );
    expect(err.details.path).toBe(path);
    expect(err.message.startsWith(path)).toBe(true);
  });

  it('reports the label as sent, not its float32 rounding', () => {
    expectDataError(() => fromInline({ x: [[0]], y: [0.1] }), 'DATASET_LABEL_OUT_OF_RANGE', /^\/y\/0 is 0\.1;/);
  });

  it('refuses data over the limits before walking it', () => {
    const x = Array.from({ length: 11 }, (_, i) => [i, i]);
    const y = x.map(() => 0);
    expectDataError(() => fromInline({ x, y }, { maxSamples: 10 }), 'DATASET_TOO_LARGE', /\/x has 11 samples.*10/);
    // 11 × 2 features + 11 labels = 33 numbers.
    expectDataError(() => fromInline({ x, y }, { maxValues: 32 }), 'DATASET_TOO_LARGE', /33 numbers.*32/);
    expect(fromInline({ x, y }, { maxSamples: 11, maxValues: 33 }).x.shape).toEqual([11, 2]);
    // Default cap: 10,000 samples, the api schema's limit.
    const big = Array.from({ length: 10_001 }, () => 0);
    expectDataError(() => fromInline({ x: big, y: big }), 'DATASET_TOO_LARGE', /10000/);
  });
});
