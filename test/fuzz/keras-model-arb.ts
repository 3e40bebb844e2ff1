// Keras fuzz cases, part 3: Sequential and functional models assembled from those layers.
import fc from 'fast-check';
import { size, type Data, type Json, type Small } from './keras-data-arb.js';
import { damage, inputShape, plausibleLayers } from './keras-layer-arb.js';

export function sequential(d: Data, small: Small): fc.Arbitrary<Json> {
  return fc
    .tuple(
      plausibleLayers(d, small).chain((ls) => damage(ls, small)),
      inputShape(d),
      fc.constantFrom('batch_input_shape', 'input_shape', 'InputLayer', 'none'),
    )
    .map(([layers, shape, how]) => {
      const ls = structuredClone(layers);
      if (how === 'InputLayer')
        ls.unshift({
          class_name: 'InputLayer',
          config: { batch_input_shape: Array.isArray(shape) ? [null, ...shape] : shape },
        });
      else if (
        how !== 'none' &&
        ls[0] &&
        typeof ls[0] === 'object' &&
        ls[0].config &&
        typeof ls[0].config === 'object'
      ) {
        ls[0].config[how] = how === 'batch_input_shape' && Array.isArray(shape) ? [null, ...shape] : shape;
      }
      return { class_name: 'Sequential', config: { name: 'fuzz', layers: ls } };
    });
}

/** A functional graph: a chain with an optional merged side branch, then damage to its wiring. */
export function functional(d: Data, small: Small): fc.Arbitrary<Json> {
  return fc
    .tuple(
      plausibleLayers(d, small).chain((ls) => damage(ls, small)),
      inputShape(d),
      fc.option(
        fc.tuple(
          fc.constantFrom('Add', 'Concatenate', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Subtract'),
          fc.nat(),
          size(small),
        ),
      ),
      fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom('none', 'keras3') },
        {
          weight: 3,
          arbitrary: fc.constantFrom(
            'cycle',
            'self',
            'dangling',
            'malformed',
            'no-outputs',
            'unknown-output',
            'duplicate-name',
          ),
        },
      ),
      fc.nat(),
    )
    .map(([layers, shape, merge, wiring, pick]) => {
      const ls = chain(layers, shape);
      const prev = ls.at(-1)!.name as string;
      if (merge && ls.length > 2) addSideBranch(ls, merge);
      const out = ls.at(-1)!.name as string;
      const config: Json = {
        name: 'fuzz_graph',
        layers: ls,
        input_layers: [['in', 0, 0]],
        output_layers: [[out, 0, 0]],
      };
      rewire(config, wiring, pick, prev);
      return { class_name: 'Functional', config };
    });
}

/** An InputLayer and the layers in a chain, each wired to the one before. */
function chain(layers: Json[], shape: unknown): Json[] {
  const ls: Json[] = [
    {
      class_name: 'InputLayer',
      name: 'in',
      config: { name: 'in', batch_input_shape: Array.isArray(shape) ? [null, ...shape] : shape },
      inbound_nodes: [],
    },
  ];
  let prev = 'in';
  layers.forEach((l, i) => {
    const name = `l${i}`;
    const cfg =
      l && typeof l === 'object' && l.config && typeof l.config === 'object' ? { ...l.config, name } : l?.config;
    ls.push({ class_name: l?.class_name, name, config: cfg, inbound_nodes: [[[prev, 0, 0, {}]]] });
    prev = name;
  });
  return ls;
}

/** A side branch from an earlier layer joins the last hidden one before the head. */
function addSideBranch(ls: Json[], [mergeClass, from, units]: [string, number, unknown]): void {
  const head = ls.pop()!;
  const source = ls[from % ls.length].name as string;
  const last = ls.at(-1)!;
  // Half the time the side branch matches a Dense it joins, so element-wise merges can fit.
  const sideUnits = from % 2 === 0 && typeof last.config?.units === 'number' ? last.config.units : units;
  ls.push({
    class_name: 'Dense',
    name: 'side',
    config: { name: 'side', units: sideUnits },
    inbound_nodes: [[[source, 0, 0, {}]]],
  });
  ls.push({
    class_name: mergeClass,
    name: 'merge',
    config: { name: 'merge' },
    inbound_nodes: [
      [
        [last.name, 0, 0, {}],
        ['side', 0, 0, {}],
      ],
    ],
  });
  ls.push({ ...head, inbound_nodes: [[['merge', 0, 0, {}]]] });
}

/** Damages the graph's wiring as `wiring` names, or writes it the Keras 3 way. */
function rewire(config: Json, wiring: string, pick: number, prev: string): void {
  const ls = config.layers as Json[];
  const out = config.output_layers[0][0] as string;
  const i = 1 + (pick % Math.max(1, ls.length - 1));
  const target = ls[Math.min(i, ls.length - 1)];
  if (wiring === 'cycle') target.inbound_nodes = [[[out, 0, 0, {}]]];
  if (wiring === 'self') target.inbound_nodes = [[[target.name, 0, 0, {}]]];
  if (wiring === 'dangling') target.inbound_nodes = [[['ghost', 0, 0, {}]]];
  if (wiring === 'malformed') target.inbound_nodes = [[['x']], {}, 'l0', [[0, 0, 0]], [[[prev]]]][pick % 5];
  if (wiring === 'no-outputs') config.output_layers = [];
  if (wiring === 'unknown-output') config.output_layers = [['nowhere', 0, 0]];
  if (wiring === 'duplicate-name')
    target.name = target.config && typeof target.config === 'object' ? (target.config.name = 'in') : 'in';
  if (wiring === 'keras3') {
    // Keras 3 writes inbound nodes as call arguments holding keras tensors.
    for (const l of ls.slice(1)) {
      const refs = Array.isArray(l.inbound_nodes?.[0]) ? l.inbound_nodes[0] : [];
      const tensors = refs.map((r: unknown[]) => ({
        class_name: '__keras_tensor__',
        config: { shape: null, dtype: 'float32', keras_history: [r[0], 0, 0] },
      }));
      l.inbound_nodes = [{ args: tensors.length === 1 ? tensors : [tensors], kwargs: {} }];
    }
  }
}
