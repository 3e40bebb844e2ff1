import { Tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import type { Callback } from '../callbacks.js';
import { NnError } from '../errors.js';
import { loadCheckpoint, saveCheckpoint, type Checkpoint } from '../io/checkpoint.js';
import { modelFromJson, type Model } from '../model/model.js';
import { mlp } from '../test-utils/fixtures.js';
import { EarlyStopping, TerminateOnNaN } from './early-stopping.js';
import { callbackFromConfig } from './from-config.js';
import { LearningRateScheduler, ReduceLROnPlateau } from './learning-rate.js';
import { ModelCheckpoint } from './model-checkpoint.js';

// A linear regression that keeps moving under SGD, so each epoch ends with different weights.
const x = new Tensor(new Float32Array([1, 2, -1, 0.5, 0.3, -2, 2, 1]), [4, 2]);
const y = new Tensor(new Float32Array([1, -1, 0.5, 2]), [4, 1]);
const linear = (lr = 0.01): Model => {
  const m = modelFromJson(mlp(2, [[1, 'linear']]), { seed: 3 });
  m.compile({ optimizer: { class_name: 'SGD', config: { learning_rate: lr } }, loss: 'mse' });
  return m;
};

/** Overwrites `key` in the epoch logs with a scripted sequence, standing in for validation. */
const script = (values: number[], key = 'val_loss'): Callback => ({
  onEpochEnd: (epoch, logs) => void (logs[key] = values[epoch]),
});

/** Records the weights at every epoch end. */
const recorder = (m: Model): { weights: number[][][]; cb: Callback } => {
  const weights: number[][][] = [];
  return { weights, cb: { onEpochEnd: () => void weights.push(m.getWeights().map((w) => Array.from(w.data))) } };
};

describe('EarlyStopping', () => {
  it('stops when patience runs out and restores the best epoch’s weights', async () => {
    const m = linear();
    const rec = recorder(m);
    const es = new EarlyStopping({ patience: 2, restoreBestWeights: true });
    // best at epoch 1; epochs 2 and 3 do not improve → wait reaches 2 at epoch 3.
    const h = await m.fit(x, y, {
      epochs: 10,
      batchSize: 4,
      callbacks: [rec.cb, script([1, 0.8, 0.9, 0.85, 0.1]), es],
    });
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(h.history.val_loss).toEqual([1, 0.8, 0.9, 0.85]);
    expect(es.stoppedEpoch).toBe(3);
    expect(es.bestEpoch).toBe(1);
    expect(rec.weights[1]).not.toEqual(rec.weights[3]);
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(rec.weights[1]);
  });

  it('honours min_delta, mode max and restores at the end even without stopping', async () => {
    const m = linear();
    const rec = recorder(m);
    // 0.55 and 0.58 do not beat 0.5 by min_delta 0.1, so only epoch 0 and 3 improve.
    const es = new EarlyStopping({ monitor: 'val_accuracy', minDelta: 0.1, patience: 3, restoreBestWeights: true });
    const h = await m.fit(x, y, {
      epochs: 5,
      batchSize: 4,
      callbacks: [rec.cb, script([0.5, 0.55, 0.58, 0.7, 0.75], 'val_accuracy'), es],
    });
    expect(h.epoch).toHaveLength(5);
    expect(es.stoppedEpoch).toBe(0);
    expect(es.bestEpoch).toBe(3);
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(rec.weights[3]);
  });

  it('with a baseline, an epoch that does not beat it keeps counting towards patience', async () => {
    const flat = [1, 1, 1, 1, 1, 1];
    const run = async (baseline?: number) =>
      (
        await linear().fit(x, y, {
          epochs: 6,
          batchSize: 4,
          callbacks: [script(flat), new EarlyStopping({ patience: 2, baseline })],
        })
      ).epoch;
    expect(await run()).toEqual([0, 1, 2]);
    // Epoch 0 improves on "no best" but not on the baseline, so its wait of 1 is kept.
    expect(await run(0.1)).toEqual([0, 1]);
  });
});

describe('ReduceLROnPlateau', () => {
  it('reduces after patience, waits out the cooldown, stops at min_lr, and logs learning_rate', async () => {
    const m = linear(0.01);
    const lrs: number[] = [];
    const cb = new ReduceLROnPlateau({ factor: 0.5, patience: 2, cooldown: 2, minLr: 0.003 });
    const flat = Array.from({ length: 9 }, () => 1);
    const h = await m.fit(x, y, {
      epochs: 9,
      batchSize: 4,
      callbacks: [script(flat), cb, { onEpochBegin: () => void lrs.push(m.optimizer!.learningRate) }],
    });
    // e0 best; e1 wait 1; e2 wait 2 → 0.005 (cooldown 2); e3 cooldown; e4 cooldown ends, wait 1 (Keras re-checks
    // after decrementing); e5 wait 2 → 0.003 (min_lr clamps 0.0025); afterwards lr is not above min_lr.
    const expected = [0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.003, 0.003, 0.003];
    expect(lrs.map((v) => +v.toFixed(6))).toEqual(expected);
    expect(h.history.learning_rate.map((v) => +v.toFixed(6))).toEqual(expected);
    expect(m.optimizer!.learningRate).toBeCloseTo(0.003, 9);
  });

  it('does not reduce while the monitored value improves by more than min_delta', async () => {
    const m = linear(0.01);
    const cb = new ReduceLROnPlateau({ patience: 1, minDelta: 0.05 });
    await m.fit(x, y, { epochs: 4, batchSize: 4, callbacks: [script([1, 0.9, 0.8, 0.7]), cb] });
    expect(m.optimizer!.learningRate).toBe(0.01);
    await m.fit(x, y, { epochs: 3, batchSize: 4, callbacks: [script([1, 0.99, 0.98]), cb] });
    expect(m.optimizer!.learningRate).toBeCloseTo(0.0001, 12);
  });

  it('refuses an optimizer with a learning-rate schedule', async () => {
    const m = modelFromJson(mlp(2, [[1, 'linear']]), { seed: 3 });
    m.compile({
      optimizer: {
        class_name: 'SGD',
        config: {
          learning_rate: {
            class_name: 'ExponentialDecay',
            config: { initial_learning_rate: 0.1, decay_steps: 1, decay_rate: 0.5 },
          },
        },
      },
      loss: 'mse',
    });
    await expect(m.fit(x, y, { epochs: 1, callbacks: [new ReduceLROnPlateau()] })).rejects.toThrow(NnError);
  });
});

describe('LearningRateScheduler', () => {
  it('sets the rate at each epoch start from (epoch, lr) and logs it', async () => {
    const m = linear(0.1);
    const seen: number[] = [];
    const sched = new LearningRateScheduler((epoch, lr) => (epoch < 2 ? lr : lr / 2));
    const h = await m.fit(x, y, {
      epochs: 4,
      batchSize: 4,
      callbacks: [sched, { onBatchEnd: () => void seen.push(m.optimizer!.learningRate) }],
    });
    expect(seen).toEqual([0.1, 0.1, 0.05, 0.025]);
    expect(h.history.learning_rate).toEqual([0.1, 0.1, 0.05, 0.025]);
  });
});

describe('TerminateOnNaN', () => {
  it('stops after the first batch with a NaN loss', async () => {
    const m = linear(1e30); // diverges to Infinity then NaN within a few steps
    const t = new TerminateOnNaN();
    let batches = 0;
    const h = await m.fit(x, y, { epochs: 50, batchSize: 1, callbacks: [{ onBatchEnd: () => void batches++ }, t] });
    expect(t.terminatedAt).not.toBeNull();
    expect(h.epoch.length).toBeLessThan(50);
    // The run ended at the batch that produced the non-finite loss.
    expect(batches).toBe(h.epoch.at(-1)! * 4 + t.terminatedAt! + 1);
    expect(Number.isFinite(h.history.loss.at(-1)!)).toBe(false);
  });
});

describe('ModelCheckpoint', () => {
  it('calls the sink only on improvement with save_best_only, with a loadable checkpoint', async () => {
    const m = linear();
    const rec = recorder(m);
    const saved: Checkpoint[] = [];
    const cp = new ModelCheckpoint({ sink: async (c) => void saved.push(c), saveBestOnly: true });
    await m.fit(x, y, { epochs: 5, batchSize: 4, callbacks: [rec.cb, script([1, 1.2, 0.7, 0.7, 0.9]), cp] });
    expect(saved.map((c) => c.json.epoch)).toEqual([1, 3]);
    expect(saved[1].json.history.history.val_loss).toEqual([1, 1.2, 0.7]);
    const fresh = linear();
    loadCheckpoint(fresh, saved[1]);
    expect(fresh.getWeights().map((w) => Array.from(w.data))).toEqual(rec.weights[2]);
  });

  it('saves every epoch without save_best_only', async () => {
    const saved: number[] = [];
    await linear().fit(x, y, {
      epochs: 3,
      batchSize: 4,
      callbacks: [new ModelCheckpoint({ sink: (c) => void saved.push(c.json.epoch) })],
    });
    expect(saved).toEqual([1, 2, 3]);
  });
});

describe('callbackFromConfig', () => {
  it('builds Keras configs with their defaults', () => {
    const es = callbackFromConfig({
      class_name: 'EarlyStopping',
      config: { monitor: 'val_accuracy', patience: 3, restore_best_weights: true, verbose: 1 },
    });
    expect(es).toBeInstanceOf(EarlyStopping);
    expect(es).toMatchObject({ monitor: 'val_accuracy', patience: 3, restoreBestWeights: true, minDelta: 0 });
    expect(callbackFromConfig({ class_name: 'ReduceLROnPlateau', config: {} })).toMatchObject({
      monitor: 'val_loss',
      factor: 0.1,
      patience: 10,
      minDelta: 1e-4,
      cooldown: 0,
      minLr: 0,
    });
    expect(callbackFromConfig({ class_name: 'TerminateOnNaN' })).toBeInstanceOf(TerminateOnNaN);
    expect(
      callbackFromConfig(
        { class_name: 'ModelCheckpoint', config: { filepath: 'x.keras', save_best_only: true } },
        { checkpointSink: () => {} },
      ),
    ).toMatchObject({ saveBestOnly: true, monitor: 'val_loss' });
  });

  it('rejects unknown classes, unknown options and bad values with NnError and a path', () => {
    const fails = (spec: unknown, path: string): void => {
      try {
        callbackFromConfig(spec, {}, '/callbacks/0');
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(NnError);
        expect((e as NnError).code).toBe('SPEC_INVALID_FIT_CONFIG');
        expect((e as NnError).details.path).toBe(path);
      }
    };
    fails({ class_name: 'CSVLogger', config: {} }, '/callbacks/0/class_name');
    fails({ class_name: 'LearningRateScheduler', config: {} }, '/callbacks/0/class_name');
    fails({ class_name: 'EarlyStopping', config: { patience: 'x' } }, '/callbacks/0/config/patience');
    fails({ class_name: 'EarlyStopping', config: { paitence: 2 } }, '/callbacks/0/config/paitence');
    fails({ class_name: 'EarlyStopping', config: { mode: 'up' } }, '/callbacks/0/config/mode');
    fails({ class_name: 'ReduceLROnPlateau', config: { factor: 1.5 } }, '/callbacks/0/config/factor');
    fails({ class_name: 'ModelCheckpoint', config: {} }, '/callbacks/0');
    fails('EarlyStopping', '/callbacks/0');
  });

  it('a config-built EarlyStopping drives fit', async () => {
    const h = await linear().fit(x, y, {
      epochs: 10,
      batchSize: 4,
      callbacks: [script([1, 1, 1, 1]), callbackFromConfig({ class_name: 'EarlyStopping', config: { patience: 1 } })],
    });
    expect(h.epoch).toEqual([0, 1]);
  });
});

describe('callback state in checkpoints', () => {
  // val_loss: best at epoch 1, then no improvement; EarlyStopping (patience 3) stops after epoch 4,
  // ReduceLROnPlateau (patience 1, cooldown 1) halves the rate after epochs 2 and 3.
  const values = [1, 0.8, 0.9, 0.85, 0.95, 0.7, 0.6, 0.5];
  const callbacks = () =>
    [
      script(values),
      new EarlyStopping({ patience: 3, restoreBestWeights: true }),
      new ReduceLROnPlateau({ factor: 0.5, patience: 1, cooldown: 1 }),
    ] as const;
  const weightsOf = (m: Model) => m.getWeights().map((w) => Array.from(w.data));

  it('a run interrupted after epoch 3 and resumed from its checkpoint ends exactly as the uninterrupted run', async () => {
    const full = linear();
    const fullCbs = callbacks();
    let atThree: Checkpoint | undefined;
    const snap: Callback = {
      onEpochEnd: (epoch) =>
        void (
          epoch === 2 &&
          (atThree = saveCheckpoint(full, { epoch: 3, history: { epoch: [], history: {} }, callbacks: fullCbs }))
        ),
    };
    const h = await full.fit(x, y, { epochs: 8, batchSize: 4, callbacks: [...fullCbs, snap] });
    expect(h.epoch).toEqual([0, 1, 2, 3, 4]);
    expect(fullCbs[1].stoppedEpoch).toBe(4);
    expect(atThree!.json.callbacks!.map((c) => [c.index, c.class_name, c.weights])).toEqual([
      [1, 'EarlyStopping', 2],
      [2, 'ReduceLROnPlateau', 0],
    ]);

    const resume = async (withState: boolean) => {
      const m = linear();
      const cbs = callbacks();
      const json = JSON.parse(JSON.stringify(atThree!.json)) as unknown;
      const state = loadCheckpoint(m, { json, bin: atThree!.bin }, withState ? { callbacks: cbs } : {});
      // The rate ReduceLROnPlateau lowered is the optimizer's config, which the caller puts back (as the worker does).
      m.optimizer!.learningRate = atThree!.json.optimizer!.config.learning_rate as number;
      const hr = await m.fit(x, y, { epochs: 8, batchSize: 4, initialEpoch: state.epoch, callbacks: [...cbs] });
      return { m, cbs, hr };
    };
    const resumed = await resume(true);
    expect(resumed.hr.epoch).toEqual([3, 4]);
    expect(resumed.hr.history.learning_rate).toEqual(h.history.learning_rate!.slice(3));
    expect(resumed.cbs[1]).toMatchObject({ stoppedEpoch: 4, bestEpoch: 1, best: 0.8 });
    expect(resumed.m.optimizer!.learningRate).toBe(full.optimizer!.learningRate);
    expect(weightsOf(resumed.m)).toEqual(weightsOf(full));

    // Without the callbacks' state the same checkpoint does not get there: the test can fail.
    const fresh = await resume(false);
    expect(fresh.hr.epoch.length).toBeGreaterThan(2);
    expect(weightsOf(fresh.m)).not.toEqual(weightsOf(full));
  });

  it('refuses state saved for another callback, leaving the model untouched', () => {
    const m = linear();
    const saved = saveCheckpoint(m, {
      epoch: 1,
      history: { epoch: [0], history: { loss: [1] } },
      callbacks: [new ReduceLROnPlateau()],
    });
    const other = linear(0.5);
    const before = weightsOf(other);
    expect(() => loadCheckpoint(other, saved, { callbacks: [new EarlyStopping()] })).toThrow(
      /ReduceLROnPlateau state for callback 0, but that callback is EarlyStopping/,
    );
    expect(weightsOf(other)).toEqual(before);
  });
});
