import { describe, expect, it } from 'vitest';
import { BUILTINS, resolveOptions, validateBuiltinOptions, type SyntheticName } from './builtins.js';
import { DataError } from './errors.js';
import { synthetic } from './synthetic.js';
import { expectDataError } from './test-utils/expect-error.js';

describe('BUILTINS', () => {
  it('lists each dataset once: five synthetic generators, installed Fashion-MNIST and six bundled classics', () => {
    const names = BUILTINS.map((b) => b.name);
    expect(new Set(names).size).toBe(names.length);
    expect(BUILTINS.filter((b) => b.kind === 'bundled').map((b) => b.name)).toEqual([
      'iris',
      'wine',
      'breast-cancer',
      'digits',
      'boston-housing',
      'diabetes',
    ]);
    // Only regression datasets have no classes.
    for (const b of BUILTINS) expect(b.classes === 0).toBe(b.task === 'regression');
    expect(BUILTINS.filter((b) => b.kind === 'synthetic').map((b) => b.name)).toEqual([
      'spirals',
      'xor',
      'moons',
      'blobs',
      'paper-ball',
    ]);
    expect(BUILTINS.find((b) => b.name === 'fashion-mnist')).toMatchObject({
      kind: 'installed',
      sampleShape: [28, 28],
      classes: 10,
      options: [],
    });
    expect(Object.isFrozen(BUILTINS)).toBe(true);
  });

  it('describes every option with a default inside its own range', () => {
    for (const b of BUILTINS) {
      expect(b.description.length).toBeGreaterThan(10);
      expect(new Set(b.options.map((o) => o.name)).size).toBe(b.options.length);
      for (const o of b.options) {
        expect(o.min).toBeLessThanOrEqual(o.default);
        expect(o.default).toBeLessThanOrEqual(o.max);
        if (o.integer)
          expect(Number.isInteger(o.default) && Number.isInteger(o.min) && Number.isInteger(o.max)).toBe(true);
        expect(o.description.length).toBeGreaterThan(5);
      }
    }
  });

  // The api trusts sampleShape and classes to check a model before any data exists.
  it.each(BUILTINS.filter((b) => b.kind === 'synthetic'))(
    '$name: sampleShape and classes match what the generator makes by default',
    (b) => {
      const ds = synthetic(b.name as SyntheticName, { samples: 60 });
      expect(ds.x.shape.slice(1)).toEqual(b.sampleShape);
      expect(ds.classes).toBe(b.classes);
      expect(b.options.find((o) => o.name === 'samples')?.max).toBe(100_000);
    },
  );
});

describe('validateBuiltinOptions', () => {
  it('accepts no options, an empty object and in-range values', () => {
    expect(() => validateBuiltinOptions('spirals')).not.toThrow();
    expect(() => validateBuiltinOptions('moons', {})).not.toThrow();
    expect(() =>
      validateBuiltinOptions('blobs', { samples: 100_000, classes: 100, features: 64, noise: 0, seed: 2 ** 32 - 1 }),
    ).not.toThrow();
    expect(() => validateBuiltinOptions('fashion-mnist', {})).not.toThrow();
  });

  it('fills in the defaults', () => {
    expect(resolveOptions('spirals', { samples: 200 })).toEqual({
      samples: 200,
      noise: 0.1,
      classes: 2,
      turns: 1.25,
      seed: 0,
    });
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['spirals', { samples: 1e9 }, /"samples".*"spirals".*integer from 2 to 100000, got 1000000000/],
    ['spirals', { samples: 1 }, /"samples"/],
    ['spirals', { classes: 11 }, /"classes".*2 to 10/],
    ['spirals', { turns: 0 }, /"turns"/],
    ['xor', { classes: 3 }, /"classes".*unknown; accepted: samples, noise, seed/],
    ['moons', { noise: '0.1' }, /"noise".*got "0.1"/],
    ['moons', { noise: null }, /"noise".*got null/],
    ['blobs', { features: 65 }, /"features"/],
    ['blobs', { seed: 1.5 }, /"seed".*integer/],
    ['blobs', { samples: 3, classes: 4 }, /"samples".*at least the number of classes \(4\), got 3/],
    ['paper-ball', { noise: 2 }, /"noise".*0 to 1/],
    ['fashion-mnist', { samples: 100 }, /"samples".*it takes no options/],
  ];
  it.each(bad)('%s %j → DATASET_INVALID_OPTION', (name, options, message) => {
    const err = expectDataError(() => validateBuiltinOptions(name, options), 'DATASET_INVALID_OPTION', message);
    expect(err.details).toMatchObject({ name, option: expect.any(String) });
  });

  it('rejects options that are not an object', () => {
    expectDataError(
      () => validateBuiltinOptions('spirals', [] as unknown as Record<string, unknown>),
      'DATASET_INVALID_OPTION',
      /must be an object/,
    );
  });

  it('rejects unknown built-ins with DATASET_UNKNOWN_BUILTIN listing the known ones', () => {
    const err = expectDataError(
      () => validateBuiltinOptions('imagenet'),
      'DATASET_UNKNOWN_BUILTIN',
      /"imagenet".*spirals.*fashion-mnist/,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(DataError);
    expect(err.name).toBe('DataError');
    expectDataError(() => validateBuiltinOptions('toString'), 'DATASET_UNKNOWN_BUILTIN');
    expectDataError(() => synthetic('__proto__' as SyntheticName), 'DATASET_UNKNOWN_BUILTIN');
    expectDataError(() => synthetic('fashion-mnist' as SyntheticName), 'DATASET_UNKNOWN_BUILTIN', /synthetic/);
  });
});
