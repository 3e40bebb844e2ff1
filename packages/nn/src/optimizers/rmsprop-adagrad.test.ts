import { Tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { parseOptimizer } from './registry.js';
import { RMSprop } from './rmsprop.js';
import { close, steps } from './test-steps.js';

describe('RMSprop', () => {
  it('plain: s ← ρs + (1−ρ)g², w ← w − ηg/√(s + ε) (ε inside the sqrt)', () => {
    // s1 = 0.1·4 = 0.4, w = 1 − 0.1·2/√(0.4 + 0.1) ; s2 = 0.9·0.4 + 0.1·1 = 0.46, w −= 0.1·(−1)/√0.56
    const w1 = 1 - 0.2 / Math.sqrt(0.5);
    const w2 = w1 + 0.1 / Math.sqrt(0.56);
    close(steps(new RMSprop({ learning_rate: 0.1, epsilon: 0.1 }), [1], [[2], [-1]]), [[w1], [w2]]);
  });
  it('momentum: p ← μp + Δ, w ← w − p', () => {
    const d1 = 0.1 / Math.sqrt(0.1 + 1e-7); // s1 = 0.1
    const d2 = 0.1 / Math.sqrt(0.19 + 1e-7); // s2 = 0.09 + 0.1
    const p2 = 0.5 * d1 + d2;
    close(steps(new RMSprop({ learning_rate: 0.1, momentum: 0.5 }), [0], [[1], [1]]), [[-d1], [-d1 - p2]]);
  });
  it('centered: den = s − m² + ε', () => {
    // s1 = 0.1·9 = 0.9, m1 = 0.3, den = 0.9 − 0.09 + 0.01 = 0.82
    close(steps(new RMSprop({ learning_rate: 0.1, centered: true, epsilon: 0.01 }), [0], [[3]]), [
      [-0.3 / Math.sqrt(0.82)],
    ]);
    // With momentum too, both extra slots are kept (velocity, momentum, average_gradient).
    const o = new RMSprop({ centered: true, momentum: 0.9 });
    steps(o, [0, 0], [[1, 2]]);
    expect(o.getWeights().map((t) => t.size)).toEqual([1, 2, 2, 2]);
  });
});

describe('Adagrad', () => {
  it('a starts at 0.1: a ← a + g², w ← w − ηg/√(a + ε)', () => {
    const w1 = 1 - (0.5 * 2) / Math.sqrt(4.1 + 1e-7);
    const w2 = w1 - (0.5 * 1) / Math.sqrt(5.1 + 1e-7);
    close(steps(new Adagrad({ learning_rate: 0.5 }), [1], [[2], [1]]), [[w1], [w2]]);
    expect(new Adagrad().getConfig()).toEqual({
      name: 'Adagrad',
      learning_rate: 0.001,
      initial_accumulator_value: 0.1,
      epsilon: 1e-7,
    });
  });
});

describe('AdamW and weight decay', () => {
  it('decays first (w ← w − η·wd·w), then takes the Adam step', () => {
    const lr = 0.1;
    const decayed = 2 - lr * 0.004 * 2;
    const adamStep = steps(new Adam({ learning_rate: lr }), [decayed], [[0.5]])[0][0];
    close(steps(new AdamW({ learning_rate: lr }), [2], [[0.5]]), [[adamStep]]);
    expect(new AdamW().getConfig()).toMatchObject({ name: 'AdamW', weight_decay: 0.004, learning_rate: 0.001 });
    // weight_decay works on any optimizer, as in Keras 3: SGD with wd 0.5, η 0.1 → w·(1 − 0.05) − 0.1·g.
    close(steps(parseOptimizer({ class_name: 'SGD', config: { learning_rate: 0.1, weight_decay: 0.5 } }), [2], [[1]]), [
      [2 * 0.95 - 0.1],
    ]);
  });
});

describe('gradient clipping', () => {
  // SGD with η = 1 from zero weights, so the weights show the negated (clipped) gradient.
  const sgd1 = (extra: Record<string, number>): Optimizer =>
    parseOptimizer({ class_name: 'SGD', config: { learning_rate: 1, ...extra } });
  const twoParams = (opt: Optimizer, g: number[][]): number[][] => {
    const ps = g.map((row) => new Tensor(new Float32Array(row.length), [row.length], true));
    opt.build(ps);
    ps.forEach((p, i) => (p.grad = new Tensor(new Float32Array(g[i]), [g[i].length])));
    opt.apply(ps);
    return ps.map((p) => Array.from(p.data));
  };
  it('clipnorm rescales each gradient to norm ≤ c', () => {
    // [3, 4] has norm 5 → [0.6, 0.8]; [0.3, 0.4] (norm 0.5) is left alone.
    close(
      twoParams(sgd1({ clipnorm: 1 }), [
        [3, 4],
        [0.3, 0.4],
      ]),
      [
        [-0.6, -0.8],
        [-0.3, -0.4],
      ],
    );
  });
  it('global_clipnorm rescales all gradients by c / max(global norm, c)', () => {
    // global norm = √(9 + 16 + 0.09 + 0.16) = √25.25
    const f = 1 / Math.sqrt(25.25);
    close(
      twoParams(sgd1({ global_clipnorm: 1 }), [
        [3, 4],
        [0.3, 0.4],
      ]),
      [
        [-3 * f, -4 * f],
        [-0.3 * f, -0.4 * f],
      ],
    );
  });
  it('clipvalue clips element-wise', () => {
    close(
      twoParams(sgd1({ clipvalue: 0.5 }), [
        [3, -4],
        [0.3, -0.1],
      ]),
      [
        [-0.5, 0.5],
        [-0.3, 0.1],
      ],
    );
  });
});

describe('optimizer state', () => {
  it('round-trips RMSprop (momentum, centered) and Adagrad state, and continues identically', () => {
    for (const make of [
      (): Optimizer => new RMSprop({ momentum: 0.9, centered: true }),
      (): Optimizer => new Adagrad({ learning_rate: 0.1 }),
      (): Optimizer => new AdamW({ amsgrad: true }),
    ]) {
      const a = make();
      const pa = new Tensor(new Float32Array([1, -2]), [2], true);
      a.build([pa]);
      pa.grad = new Tensor(new Float32Array([0.5, 1]), [2]);
      a.apply([pa]);
      const b = make();
      const pb = new Tensor(pa.data.slice(), [2], true);
      b.build([pb]);
      b.setWeights(a.getWeights());
      expect(b.iterations).toBe(1);
      pa.grad = new Tensor(new Float32Array([-1, 0.25]), [2]);
      pb.grad = new Tensor(new Float32Array([-1, 0.25]), [2]);
      a.apply([pa]);
      b.apply([pb]);
      expect(Array.from(pb.data)).toEqual(Array.from(pa.data));
      expect(b.getWeights().map((t) => Array.from(t.data))).toEqual(a.getWeights().map((t) => Array.from(t.data)));
    }
  });
  it('parses every registered name, TF.js spellings included', () => {
    expect(parseOptimizer('rmsprop').getConfig()).toEqual({
      name: 'RMSprop',
      learning_rate: 0.001,
      rho: 0.9,
      momentum: 0,
      epsilon: 1e-7,
      centered: false,
    });
    expect(parseOptimizer({ class_name: 'RMSProp', config: {} }).className).toBe('RMSprop');
    expect(parseOptimizer('adamw').className).toBe('AdamW');
    expect(parseOptimizer('Adagrad').className).toBe('Adagrad');
  });
});
