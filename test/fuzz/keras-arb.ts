// Job specs from the Keras config space: Sequential and functional models built from the layer
// registry, on small built-in or inline datasets, with the compile and fit options the engine
// takes. Each case is `small` (benign sizes: cheap enough to train if accepted) or not (huge,
// zero, negative or mistyped numbers, odd metric configs); both kinds also get structural damage
// (unknown classes, kernels larger than the input, cycles, dangling inbound nodes, shapes that do
// not match the dataset).
import fc from 'fast-check';
import { dataArb, type Json, type Small } from './keras-data-arb.js';
import { fit, loss, metrics, optimizer } from './keras-compile-arb.js';
import { functional, sequential } from './keras-model-arb.js';

export interface KerasCase {
  spec: Json;
  /** Every size is benign: if the api accepts it, a worker may train it within the test's budget. */
  small: Small;
}

/**
 * One job spec from the Keras config space. A case is small, or hostile in one area (layer sizes,
 * fit, metrics) with the others benign, so that hostile values are not always refused for some
 * other reason first, or hostile in all of them, or a bomb: valid big layers at a big batch size
 * on a big dataset, with odd metrics (the memory and compute bombs of issue 13).
 */
export const kerasCase: fc.Arbitrary<KerasCase> = fc
  .constantFrom('small', 'sizes', 'fit', 'metrics', 'all', 'bomb')
  .chain((kind) => fc.tuple(fc.constant(kind), dataArb(kind === 'all' || kind === 'fit' || kind === 'bomb')))
  .chain(([kind, d]) =>
    fc
      .record({
        model: fc.oneof(
          sequential(d, kind === 'bomb' ? 'bomb' : kind !== 'sizes' && kind !== 'all'),
          functional(d, kind === 'bomb' ? 'bomb' : kind !== 'sizes' && kind !== 'all'),
        ),
        optimizer,
        loss,
        metrics: metrics(kind !== 'metrics' && kind !== 'all' && kind !== 'bomb'),
        fit: fit(kind === 'bomb' ? 'bomb' : kind !== 'fit' && kind !== 'all'),
        seed: fc.nat({ max: 2 ** 32 - 1 }),
      })
      .map(({ model, optimizer: opt, loss: l, metrics: m, fit: f, seed }) => ({
        small: kind === 'small',
        spec: {
          model,
          compile: { optimizer: opt, loss: l, metrics: m },
          fit: f,
          dataset: d.dataset,
          seed,
          timeout_seconds: kind === 'small' ? 60 : 600,
        },
      })),
  );
