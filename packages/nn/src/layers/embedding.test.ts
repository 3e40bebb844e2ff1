import { gradcheck, Tensor, tensor } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { ConfigReader } from '../config/reader.js';
import { NnError } from '../errors.js';
import { Embedding } from './embedding.js';
import { expectSameAsTf, makeLayer, tf } from './test-utils/oracle.js';

describe('Embedding', () => {
  it('matches tf.layers.embedding on float-coded integer indices of rank 2 and 3', () => {
    for (const x of [
      tensor([
        [0, 3, 9],
        [9, 1, 1],
      ]),
      tensor([
        [
          [2, 4],
          [0, 0],
        ],
        [
          [8, 7],
          [6, 5],
        ],
      ]),
    ]) {
      const layer = makeLayer('Embedding', { input_dim: 10, output_dim: 4 }, [null, ...x.shape.slice(1)]);
      expect(layer.computeOutputShape([null, ...x.shape.slice(1)])).toEqual([null, ...x.shape.slice(1), 4]);
      expectSameAsTf(layer, tf.layers.embedding({ inputDim: 10, outputDim: 4 }), x);
    }
  });

  it('initialises uniformly in ±0.05, counts input_dim·output_dim params, writes Keras defaults', () => {
    const layer = makeLayer('Embedding', { input_dim: 100, output_dim: 8 }, [null, 5]);
    const w = Array.from(layer.weights[0].data);
    expect(layer.weights[0].shape).toEqual([100, 8]);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(0.05);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.045);
    expect(layer.countParams([null, 5])).toBe(800);
    expect(layer.weightNames()).toEqual(['embeddings']);
    expect(layer.getConfig()).toMatchObject({
      embeddings_initializer: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05 } },
      mask_zero: false,
      input_length: null,
    });
  });

  it('rejects mask_zero, out-of-range or fractional indices, and an input_length mismatch', () => {
    expect(() => new Embedding(new ConfigReader({ input_dim: 3, output_dim: 2, mask_zero: true }, '/c'), 'e')).toThrow(
      /mask_zero=true is not supported/,
    );
    const layer = makeLayer('Embedding', { input_dim: 3, output_dim: 2, input_length: 2 }, [null, 2]);
    expect(() => layer.call(tensor([[0, 3]]), { training: false })).toThrow(NnError);
    expect(() => layer.call(tensor([[0, 1.5]]), { training: false })).toThrow(/integer indices in \[0, 3\), got 1.5/);
    expect(() => layer.computeOutputShape([null, 4])).toThrow(
      /input_length 2 expects input \[null, 2\], got input shape \[null, 4\]/,
    );
  });

  it('scatter-adds gradients into the rows it looked up (repeated indices accumulate)', () => {
    const layer = makeLayer('Embedding', { input_dim: 4, output_dim: 3 }, [null, 3]);
    const idx = tensor([[1, 3, 1]]);
    gradcheck(
      (e) => {
        layer.weights = [e];
        return layer.call(idx, { training: true });
      },
      [new Tensor(layer.weights[0].data.slice(), [4, 3])],
    );
  });
});
