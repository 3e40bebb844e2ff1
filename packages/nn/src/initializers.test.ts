import { Rng } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { ConfigReader } from './config/reader.js';
import { initialize, readInitializer, serializeInitializer, type InitializerSpec } from './initializers.js';

const spec = (v: unknown): InitializerSpec => readInitializer(new ConfigReader({ k: v }, '/c'), 'k', 'zeros');
const fill = (v: unknown, shape: number[], seed = 1): Float32Array => initialize(spec(v), shape, new Rng(seed));
const stats = (a: Float32Array): { mean: number; std: number; maxAbs: number } => {
  const mean = a.reduce((s, x) => s + x, 0) / a.length;
  const std = Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length);
  return { mean, std, maxAbs: a.reduce((m, x) => Math.max(m, Math.abs(x)), 0) };
};

describe('initializers', () => {
  it('uniform variance scaling: limit √(3·scale/n) with Keras fans (dense and conv kernels)', () => {
    const glorot = stats(fill('glorot_uniform', [200, 300]));
    const limit = Math.sqrt(6 / 500);
    expect(glorot.maxAbs).toBeLessThanOrEqual(limit);
    expect(glorot.maxAbs).toBeGreaterThan(limit * 0.99);
    expect(glorot.std).toBeCloseTo(limit / Math.sqrt(3), 3);
    // Conv2D [kh, kw, in, out]: fans multiply by the receptive field 3·3.
    expect(stats(fill('GlorotUniform', [3, 3, 4, 8])).maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / (9 * 12)));
    expect(stats(fill('he_uniform', [300, 10])).maxAbs).toBeGreaterThan(Math.sqrt(6 / 300) * 0.99);
    expect(stats(fill('lecun_uniform', [300, 10])).maxAbs).toBeLessThanOrEqual(Math.sqrt(3 / 300));
  });

  it('normal variance scaling: Keras truncated normal corrected by 0.8796 so the variance is scale/n', () => {
    for (const [name, s] of [
      ['he_normal', 2 / 400],
      ['lecun_normal', 1 / 400],
      ['glorot_normal', 1 / 450],
    ] as const) {
      const st = stats(fill(name, [400, 500]));
      expect(Math.abs(st.std / Math.sqrt(s) - 1)).toBeLessThan(0.02);
      expect(st.maxAbs).toBeLessThanOrEqual((2 * Math.sqrt(s)) / 0.8796256610342398 + 1e-7); // truncated at 2σ
      expect(Math.abs(st.mean)).toBeLessThan(0.05 * Math.sqrt(s));
    }
  });

  it('accepts the TF.js VarianceScaling form and TF.js spellings as the same initializer', () => {
    const tfjsForm = {
      class_name: 'VarianceScaling',
      config: { scale: 1, mode: 'fan_avg', distribution: 'normal', seed: null },
    };
    expect(fill(tfjsForm, [20, 30], 4)).toEqual(fill('GlorotNormal', [20, 30], 4));
    const heForm = { class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'uniform' } };
    expect(fill(heForm, [20, 30], 4)).toEqual(fill('heUniform', [20, 30], 4));
    expect(spec('leCunNormal').className).toBe('LecunNormal');
    expect(spec({ class_name: 'OrthogonalInitializer', config: { gain: 1, seed: null } }).className).toBe('Orthogonal');
    expect(() => spec({ class_name: 'VarianceScaling', config: { mode: 'fan_max' } })).toThrow(/unknown mode/);
  });

  it('orthogonal: orthonormal columns (tall) or rows (wide), times gain', () => {
    for (const [rows, cols] of [
      [6, 4],
      [4, 6],
      [5, 5],
    ]) {
      const q = fill({ class_name: 'Orthogonal', config: { gain: 2 } }, [rows, cols], 9);
      const n = Math.min(rows, cols);
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          let dot = 0;
          for (let k = 0; k < Math.max(rows, cols); k++)
            dot += rows >= cols ? q[k * cols + a] * q[k * cols + b] : q[a * cols + k] * q[b * cols + k];
          expect(dot).toBeCloseTo(a === b ? 4 : 0, 5);
        }
      }
    }
    expect(serializeInitializer(spec('orthogonal'))).toEqual({
      class_name: 'Orthogonal',
      config: { gain: 1, seed: null },
    });
  });

  it('constant, zeros, ones, random_normal, random_uniform, truncated_normal', () => {
    expect(Array.from(fill({ class_name: 'Constant', config: { value: 0.25 } }, [3]))).toEqual([0.25, 0.25, 0.25]);
    expect(Array.from(fill('zeros', [2]))).toEqual([0, 0]);
    expect(Array.from(fill('ones', [2]))).toEqual([1, 1]);
    const u = stats(fill({ class_name: 'RandomUniform', config: { minval: 1, maxval: 3 } }, [10000]));
    expect(u.mean).toBeCloseTo(2, 1);
    expect(u.maxAbs).toBeLessThanOrEqual(3);
    const n = stats(fill({ class_name: 'RandomNormal', config: { mean: 1, stddev: 0.5 } }, [20000]));
    expect(n.mean).toBeCloseTo(1, 1);
    expect(n.std).toBeCloseTo(0.5, 1);
    const t = stats(fill('truncated_normal', [20000]));
    expect(t.maxAbs).toBeLessThanOrEqual(0.1 + 1e-7); // stddev 0.05, cut at 2σ, no correction for the plain class
    expect(t.std).toBeCloseTo(0.05 * 0.8796, 2);
    // A seed in the config makes the values independent of the model's stream.
    expect(fill({ class_name: 'RandomNormal', config: { seed: 7 } }, [4], 1)).toEqual(
      fill({ class_name: 'RandomNormal', config: { seed: 7 } }, [4], 2),
    );
  });
});
