import { gradcheck, Tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { ConfigReader } from './config/reader.js';
import { Dense } from './layers/dense.js';
import { modelFromJson } from './model/model.js';
import { penalty, readRegularizer } from './regularizers.js';

const read = (v: unknown): unknown => readRegularizer(new ConfigReader({ k: v }, '/layer/config'), 'k');

const model = (kernel: unknown = null, bias: unknown = null) => {
  const dense = (units: number, extra: object = {}) => ({
    class_name: 'Dense',
    config: { units, activation: 'tanh', ...extra },
  });
  const m = modelFromJson(
    {
      class_name: 'Sequential',
      config: {
        layers: [
          dense(3, { batch_input_shape: [null, 2], kernel_regularizer: kernel, bias_regularizer: bias }),
          dense(1),
        ],
      },
    },
    { seed: 8 },
  );
  // A non-zero bias so the bias penalty is visible.
  const w = m.getWeights();
  w[1] = new Tensor(new Float32Array([0.5, -0.25, 1]), [3]);
  m.setWeights(w);
  m.compile({ optimizer: { class_name: 'SGD', config: { learning_rate: 0.1 } }, loss: 'mse' });
  return m;
};
const x = new Tensor(new Float32Array([0.5, -1, 1, 0.25, -0.5, 0.75]), [3, 2]);
const y = new Tensor(new Float32Array([1, -1, 0.5]), [3, 1]);

describe('regularizers', () => {
  it('parse Keras 3 strings and classes with their defaults', () => {
    expect(read('l2')).toEqual({ l1: 0, l2: 0.01 });
    expect(read('l1')).toEqual({ l1: 0.01, l2: 0 });
    expect(read({ class_name: 'L1L2', config: { l2: 0.5 } })).toEqual({ l1: 0, l2: 0.5 });
    expect(read({ class_name: 'L2', config: { l2: 0.001 } })).toEqual({ l1: 0, l2: 0.001 });
    expect(read(null)).toBeNull();
    expect(() => read('l3')).toThrow(
      expect.objectContaining({
        code: 'SPEC_INVALID_LAYER_CONFIG',
        details: expect.objectContaining({ path: '/layer/config/k' }),
      }),
    );
    expect(() => read({ class_name: 'L2', config: { l2: -1 } })).toThrow(/out of range/);
  });

  it('add l2·Σk² + l1·Σ|b| to the reported loss (fit and evaluate)', () => {
    const plain = model();
    const reg = model({ class_name: 'L2', config: { l2: 0.1 } }, { class_name: 'L1', config: { l1: 0.2 } });
    const [k, b] = reg.getWeights();
    const expected = 0.1 * k.data.reduce((s, v) => s + v * v, 0) + 0.2 * (0.5 + 0.25 + 1);
    expect(reg.evaluate(x, y).loss - plain.evaluate(x, y).loss).toBeCloseTo(expected, 6);
    expect(b.data[0]).toBe(0.5);
  });

  it('put the penalty gradient into the update: one SGD step differs by η·2·l2·w on the kernel, η·l1·sign(b) on the bias', async () => {
    const plain = model();
    const reg = model({ class_name: 'L2', config: { l2: 0.1 } }, 'l1');
    const [k0] = reg.getWeights();
    await plain.fit(x, y, { epochs: 1, batchSize: 3, shuffle: false });
    const h = await reg.fit(x, y, { epochs: 1, batchSize: 3, shuffle: false });
    const [kp, bp] = plain.getWeights();
    const [kr, br] = reg.getWeights();
    kr.data.forEach((v, i) => expect(v).toBeCloseTo(kp.data[i] - 0.1 * 2 * 0.1 * k0.data[i], 6));
    const sign = [1, -1, 1];
    br.data.forEach((v, i) => expect(v).toBeCloseTo(bp.data[i] - 0.1 * 0.01 * sign[i], 6));
    expect(h.history.loss[0]).toBeGreaterThan(0);
  });

  it('penalty passes a gradient check; Dense serialises it as L1L2 and reads it back', () => {
    const w = new Tensor(new Float32Array([0.3, -0.7, 1.2, -0.1]), [2, 2]);
    gradcheck((t) => penalty({ l1: 0.3, l2: 0.2 }, t)!, [w]);
    expect(penalty({ l1: 0, l2: 0 }, w)).toBeNull();
    const reg = model('l2', { class_name: 'L1L2', config: { l1: 0.1, l2: 0.2 } });
    const cfg = (reg.layers[0] as Dense).getConfig();
    expect(cfg.kernel_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.01 } });
    expect(cfg.bias_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0.1, l2: 0.2 } });
    expect(read(cfg.bias_regularizer)).toEqual({ l1: 0.1, l2: 0.2 });
  });
});
