// Keras fuzz cases, part 1: the datasets they train on and the numbers their sizes are drawn from.
import fc from 'fast-check';
import { oddScalar } from './schema-arb.js';

/** A Keras JSON object, as loosely typed as the fuzzer builds it. */
export type Json = Record<string, any>;
/** true: benign sizes; false: hostile ones; 'bomb': valid but big (memory and compute bombs). */
export type Small = boolean | 'bomb';

/** A dataset spec with the shape of one sample and the class count. */
export interface Data {
  dataset: Json;
  input: number[];
  classes: number;
  /** Integer token ids in [0, vocab) rather than floats (for Embedding). */
  vocab?: number;
}

const inlineData = (n: number, sample: () => unknown, classes: number): Json => ({
  inline: { x: Array.from({ length: n }, sample), y: Array.from({ length: n }, (_, i) => i % classes) },
});

const grid = (dims: number[], value: (i: number) => number): unknown => {
  let i = 0;
  const build = (d: number): unknown =>
    d === dims.length ? value(i++) : Array.from({ length: dims[d] }, () => build(d + 1));
  return build(0);
};

/** Small datasets; when `big`, the synthetic ones may hold 100,000 samples (so a big batch is a big batch). */
export const dataArb = (big: boolean): fc.Arbitrary<Data> =>
  fc.oneof<fc.Arbitrary<Data>[]>(
    fc
      .record({
        samples: big
          ? fc.oneof(fc.integer({ min: 40, max: 200 }), fc.constant(100_000))
          : fc.integer({ min: 40, max: 200 }),
        classes: fc.integer({ min: 2, max: 4 }),
      })
      .map(({ samples, classes }) => ({
        dataset: { builtin: 'spirals', options: { samples, classes } },
        input: [2],
        classes,
      })),
    fc
      .record({
        features: fc.integer({ min: 1, max: 8 }),
        classes: fc.integer({ min: 2, max: 5 }),
        samples: big ? fc.constantFrom(120, 50_000) : fc.constant(120),
      })
      .map(({ features, classes, samples }) => ({
        dataset: { builtin: 'blobs', options: { samples, features, classes } },
        input: [features],
        classes,
      })),
    fc.constant({ dataset: { builtin: 'iris' }, input: [4], classes: 3 }),
    fc.constant({ dataset: { builtin: 'xor', options: { samples: 64 } }, input: [2], classes: 2 }),
    // Images: h × w × c.
    fc
      .tuple(fc.integer({ min: 3, max: 8 }), fc.integer({ min: 3, max: 8 }), fc.integer({ min: 1, max: 2 }))
      .map(([h, w, c]) => ({
        dataset: inlineData(16, () => grid([h, w, c], (i) => ((i * 7) % 11) / 11), 2),
        input: [h, w, c],
        classes: 2,
      })),
    // Sequences: steps × features.
    fc.tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 3 })).map(([t, f]) => ({
      dataset: inlineData(16, () => grid([t, f], (i) => Math.sin(i)), 3),
      input: [t, f],
      classes: 3,
    })),
    // Token ids for an Embedding.
    fc.tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 3, max: 20 })).map(([t, vocab]) => ({
      dataset: inlineData(16, () => grid([t], (i) => (i * 5) % vocab), 2),
      input: [t],
      classes: 2,
      vocab,
    })),
  );

/** Numbers for sizes: small ones, or the ones that break validators and allocators. */
const smallInt = fc.integer({ min: 1, max: 12 });
const hostileInt: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(4096, 20_000, 100_000, 1e6),
  fc.constantFrom(0, -1, -32, 2 ** 31, 2 ** 53, 1e308, 1.5, '16', null, [16], true),
  oddScalar,
);
export const size = (small: Small) =>
  small === 'bomb'
    ? fc.constantFrom(1024, 4096, 20_000)
    : small
      ? smallInt
      : fc.oneof({ weight: 5, arbitrary: smallInt }, { weight: 1, arbitrary: hostileInt });
