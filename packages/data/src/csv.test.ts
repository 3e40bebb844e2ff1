import { describe, expect, it } from 'vitest';
import { csvRows, parseCsv } from './csv.js';
import { expectDataError } from './test-utils/expect-error.js';

describe('csvRows', () => {
  it('splits quoted fields, escaped quotes, CRLF and skips blank lines', () => {
    const rows = [...csvRows('a,"b,c","say ""hi"""\r\n\r\n1,2,3\n')].map((r) => r.fields);
    expect(rows).toEqual([
      ['a', 'b,c', 'say "hi"'],
      ['1', '2', '3'],
    ]);
  });
});

describe('parseCsv', () => {
  it('reads numeric features and integer labels from the named target column', () => {
    const ds = parseCsv('f1,label,f2\n1,0,2\n3,2,4.5\n-1e-3,1,0\n', { target: 'label' });
    expect(ds.x.shape).toEqual([3, 2]);
    expect([...ds.x.data]).toEqual([1, 2, 3, 4.5, Math.fround(-1e-3), 0]);
    expect(ds.y.shape).toEqual([3]);
    expect([...ds.y.data]).toEqual([0, 2, 1]);
    expect(ds.classes).toBe(3);
  });

  it('maps text labels to sorted class indices and keeps their names', () => {
    const ds = parseCsv('a,b,species\n1,2,virginica\n3,4,setosa\n5,6,"virginica"\n', { target: 'species' });
    expect(ds.classNames).toEqual(['setosa', 'virginica']);
    expect([...ds.y.data]).toEqual([1, 0, 1]);
    expect(ds.classes).toBe(2);
  });

  it('reads fractional targets (or regression: true) as [N, 1] regression values', () => {
    expect(parseCsv('a,t\n1,0.5\n2,1.5\n', { target: 't' }).y.shape).toEqual([2, 1]);
    const ds = parseCsv('a,t\n1,1\n2,3\n', { target: 't', regression: true });
    expect(ds.y.shape).toEqual([2, 1]);
    expect(ds.classes).toBeUndefined();
  });

  it('refuses regression: true over a text target instead of reading it as classes', () => {
    expectDataError(
      () => parseCsv('a,t\n1,0.5\n2,setosa\n', { target: 't', regression: true }),
      'DATASET_INVALID_CSV',
      /Row 2: regression needs a numeric target.*"setosa"/,
    );
    expect(parseCsv('a,t\n1,0.5\n2,setosa\n', { target: 't' }).classNames).toEqual(['0.5', 'setosa']);
  });

  it('honours declared classes and sample shape', () => {
    expect(parseCsv('a,b,c,d,t\n1,2,3,4,0\n', { target: 't', classes: 5, sampleShape: [2, 2] })).toMatchObject({
      classes: 5,
      x: { shape: [1, 2, 2] },
    });
    expectDataError(
      () => parseCsv('a,b,t\n1,2,5\n', { target: 't', classes: 3 }),
      'DATASET_LABEL_OUT_OF_RANGE',
      /5.*0 to 2/,
    );
    expectDataError(
      () => parseCsv('a,b,t\n1,2,0\n', { target: 't', sampleShape: [3] }),
      'DATASET_SHAPE_MISMATCH',
      /\[3\]/,
    );
  });

  it('refuses malformed CSV with a code naming the line and column', () => {
    expectDataError(() => parseCsv('', { target: 't' }), 'DATASET_INVALID_CSV', /empty/);
    expectDataError(() => parseCsv('a,t\n', { target: 't' }), 'DATASET_INVALID_CSV', /no data rows/);
    expectDataError(
      () => parseCsv('a,b\n1,2\n', { target: 'label' }),
      'DATASET_INVALID_CSV',
      /No column "label".*a, b/,
    );
    expectDataError(() => parseCsv('a,t\n1,0\n2\n', { target: 't' }), 'DATASET_INVALID_CSV', /Line 3 has 1 fields/);
    expectDataError(
      () => parseCsv('a,t\n1,0\nabc,1\n', { target: 't' }),
      'DATASET_INVALID_CSV',
      /Line 3, column "a".*not a number/,
    );
    expectDataError(() => parseCsv('a,t\n,0\n', { target: 't' }), 'DATASET_INVALID_CSV', /Line 2/);
    expectDataError(() => parseCsv('a,a,t\n1,2,0\n', { target: 't' }), 'DATASET_INVALID_CSV', /twice/);
    expectDataError(() => parseCsv('a,t\n"1,0\n', { target: 't' }), 'DATASET_INVALID_CSV', /Unterminated/);
    expectDataError(() => parseCsv('t\n1\n', { target: 't' }), 'DATASET_INVALID_CSV', /feature/);
  });

  it('calls NaN and Infinity cells DATASET_NON_FINITE, and negative labels out of range', () => {
    expectDataError(
      () => parseCsv('a,t\n1,0\nNaN,1\n', { target: 't' }),
      'DATASET_NON_FINITE',
      /Line 3, column "a" is NaN/,
    );
    expectDataError(() => parseCsv('a,t\n-inf,0\n', { target: 't' }), 'DATASET_NON_FINITE');
    expectDataError(() => parseCsv('a,t\n1e39,0\n', { target: 't' }), 'DATASET_NON_FINITE', /overflows float32/);
    expectDataError(() => parseCsv('a,t\n1,inf\n', { target: 't' }), 'DATASET_NON_FINITE');
    expectDataError(() => parseCsv('a,t\n1,-1\n', { target: 't' }), 'DATASET_LABEL_OUT_OF_RANGE', /-1/);
    expectDataError(() => parseCsv('a,t\n1,1000000\n', { target: 't' }), 'DATASET_LABEL_OUT_OF_RANGE');
  });

  it('stops at maxValues with DATASET_TOO_LARGE', () => {
    const rows = Array.from({ length: 100 }, (_, i) => `${i},0`).join('\n');
    expectDataError(() => parseCsv(`a,t\n${rows}`, { target: 't', maxValues: 50 }), 'DATASET_TOO_LARGE');
  });
});
