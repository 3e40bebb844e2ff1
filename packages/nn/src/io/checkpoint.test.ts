import { Rng, Tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import type { History, Logs } from '../callbacks.js';
import { modelFromJson } from '../model/model.js';
import type { CompileArgs } from '../model/compile.js';
import { xorData } from '../test-utils/fixtures.js';
import { loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint.js';

const SPEC = {
  class_name: 'Sequential',
  config: {
    layers: [
      { class_name: 'Dense', config: { units: 16, activation: 'relu', batch_input_shape: [null, 2] } },
      { class_name: 'Dropout', config: { rate: 0.25 } },
      { class_name: 'Dense', config: { units: 8, activation: 'tanh' } },
      { class_name: 'Dense', config: { units: 2, activation: 'softmax' } },
    ],
  },
};
const ADAM: CompileArgs = {
  optimizer: { class_name: 'Adam', config: { learning_rate: 0.02 } },
  loss: 'sparse_categorical_crossentropy',
  metrics: ['accuracy'],
};
const MOMENTUM: CompileArgs = {
  optimizer: { class_name: 'SGD', config: { learning_rate: 0.05, momentum: 0.9, nesterov: true } },
  loss: 'sparse_categorical_crossentropy',
};

const build = (seed: number, compile: CompileArgs | null = ADAM) => {
  const m = modelFromJson(SPEC, { seed });
  if (compile) m.compile(compile);
  return m;
};
const values = (ts: Tensor[]): number[][] => ts.map((t) => Array.from(t.data));
// What a checkpoint looks like after a trip through storage: a JSON string and a Buffer.
const stored = (c: Checkpoint): { json: string; bin: Buffer } => ({
  json: JSON.stringify(c.json),
  bin: Buffer.from(c.bin),
});

describe('checkpoints', () => {
  it.each([
    ['Adam', ADAM],
    ['SGD with Nesterov momentum', MOMENTUM],
  ] as const)('2 epochs + checkpoint + 2 resumed epochs = 4 uninterrupted epochs (%s)', async (_name, compile) => {
    const [x, y] = xorData(120, 11);
    const opts = { batchSize: 16, validationSplit: 0.2 };
    const batchLogs = (into: Logs[]) => [{ onBatchEnd: (_b: number, logs: Logs) => void into.push({ ...logs }) }];

    const fullBatches: Logs[] = [];
    const full = build(1, compile);
    const fullHistory = await full.fit(x, y, { ...opts, epochs: 4, callbacks: batchLogs(fullBatches) });

    const firstBatches: Logs[] = [];
    const first = build(1, compile);
    const h1 = await first.fit(x, y, { ...opts, epochs: 2, callbacks: batchLogs(firstBatches) });
    const ckpt = stored(saveCheckpoint(first, { epoch: 2, history: h1 }));

    // A fresh model with another init seed: the checkpoint must supply weights, slots and the fit seed.
    const resumed = build(99, compile);
    const state = loadCheckpoint(resumed, ckpt);
    expect(state.epoch).toBe(2);
    expect(state.rngSeed).toBe(1);
    expect(resumed.optimizer!.iterations).toBe(first.optimizer!.iterations);
    const restBatches: Logs[] = [];
    const h2 = await resumed.fit(x, y, {
      ...opts,
      epochs: 4,
      initialEpoch: state.epoch,
      seed: state.rngSeed,
      callbacks: batchLogs(restBatches),
    });

    expect(values(resumed.getWeights())).toEqual(values(full.getWeights()));
    expect(resumed.optimizer!.getWeights().map((t) => Array.from(t.data))).toEqual(
      full.optimizer!.getWeights().map((t) => Array.from(t.data)),
    );
    const merged: History = { epoch: [...state.history.epoch, ...h2.epoch], history: {} };
    for (const k of Object.keys(fullHistory.history))
      merged.history[k] = [...state.history.history[k], ...h2.history[k]];
    expect(merged).toEqual(fullHistory);
    expect([...firstBatches, ...restBatches]).toEqual(fullBatches);
    expect(Object.keys(fullHistory.history)).toContain('val_loss');
  });

  it('stores the run state as plain JSON with a manifest of model then optimizer weights', async () => {
    const [x, y] = xorData(40, 12);
    const m = build(2);
    const h = await m.fit(x, y, { epochs: 1, batchSize: 8, seed: 77 });
    const { json, bin } = saveCheckpoint(m, { epoch: 1, history: h, rngSeed: 77 });
    expect(json).toMatchObject({
      format: 'trainyard-checkpoint',
      version: 1,
      epoch: 1,
      rngSeed: 77,
      optimizer: { class_name: 'Adam', iterations: 5, config: { learning_rate: 0.02 } },
    });
    const specs = json.weightsManifest[0].weights;
    const model = specs.filter((s) => s.group === 'model');
    const slots = specs.filter((s) => s.group === 'optimizer');
    expect(model.map((s) => s.name)).toEqual([
      'dense/kernel',
      'dense/bias',
      'dense_1/kernel',
      'dense_1/bias',
      'dense_2/kernel',
      'dense_2/bias',
    ]);
    expect(specs.slice(0, model.length)).toEqual(model);
    // Adam: m and v for each of the six trainable weights.
    expect(slots).toHaveLength(12);
    const floats = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    expect(bin.byteLength).toBe(4 * floats);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('restores weights only into an uncompiled model, and refuses optimizer state without compile', () => {
    const src = build(3);
    const ckpt = saveCheckpoint(src, { epoch: 0, history: { epoch: [], history: {} } });
    const bare = build(4, null);
    expect(() => loadCheckpoint(bare, ckpt)).toThrow(expect.objectContaining({ code: 'SPEC_NOT_COMPILED' }));
    expect(values(bare.getWeights())).not.toEqual(values(src.getWeights()));
    loadCheckpoint(bare, ckpt, { weightsOnly: true });
    expect(values(bare.getWeights())).toEqual(values(src.getWeights()));
  });

  it('keeps NaN losses through JSON', () => {
    const m = build(5);
    const ckpt = stored(saveCheckpoint(m, { epoch: 1, history: { epoch: [0], history: { loss: [NaN] } } }));
    expect(loadCheckpoint(build(5), ckpt).history.history.loss[0]).toBeNaN();
  });

  it('rejects a different model, a different optimizer, bad metadata and damaged bytes, leaving the model untouched', () => {
    const ckpt = saveCheckpoint(build(6), {
      epoch: 3,
      history: { epoch: [0, 1, 2], history: { loss: [1, 0.9, 0.8] } },
    });
    const code = (c: string, message: RegExp) =>
      expect.objectContaining({ name: 'NnError', code: c, message: expect.stringMatching(message) });

    const wider = structuredClone(SPEC);
    (wider.config.layers[2].config as { units: number }).units = 9;
    expect(() => loadCheckpoint(modelFromJson(wider, { seed: 1 }), ckpt)).toThrow(
      code('SPEC_INVALID_CHECKPOINT', /different model: layer 3 is "dense_1"/),
    );

    const target = build(7, { ...MOMENTUM });
    const before = values(target.getWeights());
    expect(() => loadCheckpoint(target, ckpt)).toThrow(
      code('SPEC_INVALID_CHECKPOINT', /holds Adam state but the model is compiled with SGD/),
    );
    expect(values(target.getWeights())).toEqual(before);

    expect(() => loadCheckpoint(build(7), { json: { ...ckpt.json, format: 'layers-model' }, bin: ckpt.bin })).toThrow(
      code('SPEC_INVALID_CHECKPOINT', /not a checkpoint/),
    );
    expect(() => loadCheckpoint(build(7), { json: { ...ckpt.json, epoch: -1 }, bin: ckpt.bin })).toThrow(
      code('SPEC_INVALID_CHECKPOINT', /epoch/),
    );
    expect(() => loadCheckpoint(build(7), { json: '{', bin: ckpt.bin })).toThrow(
      code('SPEC_INVALID_CHECKPOINT', /not valid JSON/),
    );
    const adam = build(7);
    const adamBefore = adam.optimizer!.getWeights().map((t) => Array.from(t.data));
    expect(() => loadCheckpoint(adam, { json: ckpt.json, bin: ckpt.bin.subarray(0, ckpt.bin.length - 8) })).toThrow(
      code('SPEC_INVALID_WEIGHTS', /truncated: weight "optimizer\/11"/),
    );
    expect(adam.optimizer!.getWeights().map((t) => Array.from(t.data))).toEqual(adamBefore);
  });

  it('a random-weight sanity check: restored predictions equal the source model', () => {
    const src = build(8);
    const x = new Tensor(
      Float32Array.from(
        { length: 20 },
        (
          (r) => () =>
            r.uniform(-1, 1)
        )(new Rng(1)),
      ),
      [10, 2],
    );
    const dst = build(9);
    loadCheckpoint(dst, stored(saveCheckpoint(src, { epoch: 0, history: { epoch: [], history: {} } })));
    expect(Array.from(dst.predict(x).data)).toEqual(Array.from(src.predict(x).data));
  });
});
