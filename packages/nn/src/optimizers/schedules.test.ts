import { describe, expect, it } from 'vitest';
import { parseOptimizer } from './registry.js';
import { parseSchedule } from './schedules.js';
import { close, steps } from './test-steps.js';

describe('learning-rate schedules (Keras semantics, step = iterations)', () => {
  it('ExponentialDecay: lr0 · rate^(step/decay_steps), floored when staircase', () => {
    const s = parseSchedule(
      { class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.5 } },
      '/lr',
    );
    expect(s.at(0)).toBeCloseTo(0.1, 12);
    expect(s.at(5)).toBeCloseTo(0.1 * Math.SQRT1_2, 12);
    expect(s.at(20)).toBeCloseTo(0.025, 12);
    const stair = parseSchedule(
      {
        class_name: 'ExponentialDecay',
        config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.5, staircase: true },
      },
      '/lr',
    );
    expect([stair.at(9), stair.at(10), stair.at(19)]).toEqual([0.1, 0.05, 0.05]);
  });
  it('PiecewiseConstantDecay: boundaries are inclusive on the left interval', () => {
    const s = parseSchedule(
      { class_name: 'PiecewiseConstantDecay', config: { boundaries: [2, 5], values: [1, 0.5, 0.1] } },
      '/lr',
    );
    expect([0, 1, 2, 3, 5, 6, 100].map((t) => s.at(t))).toEqual([1, 1, 1, 0.5, 0.5, 0.1, 0.1]);
    expect(() =>
      parseSchedule({ class_name: 'PiecewiseConstantDecay', config: { boundaries: [2], values: [1] } }, '/lr'),
    ).toThrow(/values needs 2/);
  });
  it('CosineDecay: half cosine to α·lr0, clamped after decay_steps; optional linear warmup', () => {
    const s = parseSchedule(
      { class_name: 'CosineDecay', config: { initial_learning_rate: 1, decay_steps: 10, alpha: 0.1 } },
      '/lr',
    );
    expect(s.at(0)).toBeCloseTo(1, 12);
    expect(s.at(5)).toBeCloseTo(0.9 * 0.5 + 0.1, 12);
    expect(s.at(10)).toBeCloseTo(0.1, 12);
    expect(s.at(50)).toBeCloseTo(0.1, 12);
    const w = parseSchedule(
      {
        class_name: 'CosineDecay',
        config: { initial_learning_rate: 0, decay_steps: 10, warmup_target: 2, warmup_steps: 4 },
      },
      '/lr',
    );
    expect([w.at(0), w.at(1), w.at(4)]).toEqual([0, 0.5, 2]);
    expect(w.at(9)).toBeCloseTo(1, 12); // 5 of 10 decay steps done: half of 2
    expect(w.toJSON()).toEqual({
      class_name: 'CosineDecay',
      config: { initial_learning_rate: 0, decay_steps: 10, alpha: 0, warmup_target: 2, warmup_steps: 4 },
    });
  });
  it('drive the optimizer: step t uses the rate at iterations = t − 1, and serialise back', () => {
    const lr = { class_name: 'PiecewiseConstantDecay', config: { boundaries: [0], values: [1, 0.1] } };
    const opt = parseOptimizer({ class_name: 'SGD', config: { learning_rate: lr } });
    // Step 1 (iterations 0) uses 1, step 2 uses 0.1.
    close(steps(opt, [0], [[1], [1]]), [[-1], [-1.1]]);
    expect(opt.getConfig().learning_rate).toEqual(lr);
    expect(() =>
      parseOptimizer({
        class_name: 'Adam',
        config: { learning_rate: { class_name: 'ExponentialDecay', config: { decay_steps: 1, decay_rate: 0.5 } } },
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'SPEC_INVALID_OPTIMIZER_CONFIG',
        details: expect.objectContaining({ path: '/optimizer/config/learning_rate/config/initial_learning_rate' }),
      }),
    );
  });
});
