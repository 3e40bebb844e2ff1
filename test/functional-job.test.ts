// A functional (graph) model through the real service: the api checks it, the worker trains it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse } from './sse.js';
import { postJson, startStack, type Stack } from './stack.js';

type Data = Record<string, any>;

const layer = (name: string, className: string, config: Record<string, unknown>, inputs: string[]) => ({
  class_name: className,
  name,
  config: { name, ...config },
  inbound_nodes: [inputs.map((i) => [i, 0, 0, {}])],
});

/** A residual MLP: two parallel branches on the input, added, then a gated residual block. */
const residualMlp = {
  class_name: 'Functional',
  config: {
    name: 'residual_mlp',
    layers: [
      {
        class_name: 'InputLayer',
        name: 'xy',
        config: { name: 'xy', batch_input_shape: [null, 2], dtype: 'float32' },
        inbound_nodes: [],
      },
      layer('wide', 'Dense', { units: 32, activation: 'relu' }, ['xy']),
      layer('smooth', 'Dense', { units: 32, activation: 'tanh' }, ['xy']),
      layer('both', 'Concatenate', { axis: -1 }, ['wide', 'smooth']),
      layer('hidden', 'Dense', { units: 64, activation: 'relu' }, ['both']),
      layer('block', 'Dense', { units: 64, activation: 'relu' }, ['hidden']),
      layer('residual', 'Add', {}, ['hidden', 'block']),
      layer('probs', 'Dense', { units: 2, activation: 'softmax' }, ['residual']),
    ],
    input_layers: [['xy', 0, 0]],
    output_layers: [['probs', 0, 0]],
  },
};

describe('a functional model job', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('trains a residual graph on spirals to the end', async () => {
    const spec = {
      model: residualMlp,
      compile: {
        optimizer: { class_name: 'Adam', config: { learning_rate: 0.01 } },
        loss: 'sparse_categorical_crossentropy',
        metrics: ['accuracy'],
      },
      fit: { epochs: 30, batch_size: 32, validation_split: 0.2 },
      dataset: { builtin: 'spirals', options: { samples: 1000, noise: 0.1 } },
      seed: 3,
    };
    const created = await postJson(`${stack.url}/v1/jobs`, spec);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { events } = await readSse(`${stack.url}${created.body.links.events}`);
    const last = events.at(-1)!.data as Data;
    expect(last.type, JSON.stringify(last)).toBe('completed');
    expect(last.metrics.val_accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('refuses a graph whose branches disagree, naming the layer and both shapes', async () => {
    const bad = structuredClone(residualMlp);
    (bad.config.layers[5].config as Record<string, unknown>).units = 48; // block no longer matches hidden in Add
    const res = await postJson(`${stack.url}/v1/jobs`, {
      model: bad,
      compile: { optimizer: 'adam', loss: 'sparse_categorical_crossentropy' },
      fit: { epochs: 1 },
      dataset: { builtin: 'spirals' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'SPEC_SHAPE_MISMATCH',
      details: { layer: 'residual', path: '/model/config/layers/6' },
    });
    expect(res.body.error.message).toMatch(/\[null,64\].*\[null,48\]|64.*48/);
  });
});
