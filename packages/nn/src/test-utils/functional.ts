// Test-only functional-model samples: a Keras 2 `to_json()` builder, a two-input two-head graph and its data.
import { Rng, Tensor } from '@trainyard/tensor';

type Node = [name: string, className: string, config: Record<string, unknown>, inputs: string[]];

/** Keras 2 `to_json()` of a functional model: InputLayers, then layers with their inbound nodes. */
export function functional(
  inputs: [string, number[]][],
  nodes: Node[],
  outputs: string[],
  name = 'model',
): Record<string, unknown> {
  return {
    class_name: 'Functional',
    config: {
      name,
      layers: [
        ...inputs.map(([n, shape]) => ({
          class_name: 'InputLayer',
          name: n,
          config: { batch_input_shape: [null, ...shape], dtype: 'float32', sparse: false, ragged: false, name: n },
          inbound_nodes: [],
        })),
        ...nodes.map(([n, cls, config, ins]) => ({
          class_name: cls,
          name: n,
          config: { name: n, ...config },
          inbound_nodes: [ins.map((i) => [i, 0, 0, {}])],
        })),
      ],
      input_layers: inputs.map(([n]) => [n, 0, 0]),
      output_layers: outputs.map((n) => [n, 0, 0]),
    },
    keras_version: '2.13.1',
    backend: 'tensorflow',
  };
}

/** Two inputs, a shared trunk, a regression head and a 3-class head (keras-formats.md §7.2). */
export const TWO_HEADS = functional(
  [
    ['in_a', [4]],
    ['in_b', [3]],
  ],
  [
    ['concat', 'Concatenate', { axis: -1 }, ['in_a', 'in_b']],
    ['trunk', 'Dense', { units: 16, activation: 'tanh' }, ['concat']],
    ['out_reg', 'Dense', { units: 1 }, ['trunk']],
    ['out_cls', 'Dense', { units: 3, activation: 'softmax' }, ['trunk']],
  ],
  ['out_reg', 'out_cls'],
);

export const uniform = (shape: number[], rng: Rng, lo = -1, hi = 1): Tensor =>
  new Tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(lo, hi)),
    shape,
  );

/** Targets both heads can learn: y_reg = sum(a) - sum(b); class = which third of sum(a) + sum(b) it falls in. */
export function twoHeadData(n: number, seed: number): { a: Tensor; b: Tensor; reg: Tensor; cls: Tensor } {
  const rng = new Rng(seed);
  const a = uniform([n, 4], rng);
  const b = uniform([n, 3], rng);
  const reg = new Float32Array(n);
  const cls = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let sa = 0;
    let sb = 0;
    for (let j = 0; j < 4; j++) sa += a.data[i * 4 + j];
    for (let j = 0; j < 3; j++) sb += b.data[i * 3 + j];
    reg[i] = sa - sb;
    cls[i] = sa + sb < -0.8 ? 0 : sa + sb < 0.8 ? 1 : 2;
  }
  return { a, b, reg: new Tensor(reg, [n, 1]), cls: new Tensor(cls, [n]) };
}
