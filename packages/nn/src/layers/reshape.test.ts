import { gradcheck } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { ConfigReader } from '../config/reader.js';
import { Permute, Reshape } from './reshape.js';
import { expectSameAsTf, makeLayer, rand, tf } from './test-utils/oracle.js';

describe('Reshape', () => {
  it('infers the -1 axis and matches tf.layers.reshape', () => {
    const layer = makeLayer('Reshape', { target_shape: [3, -1] }, [null, 4, 3]);
    expect(layer.computeOutputShape([null, 4, 3])).toEqual([null, 3, 4]);
    expectSameAsTf(layer, tf.layers.reshape({ targetShape: [3, -1] }), rand([2, 4, 3], 3));
  });

  it('names the layer input shape and target shape when sizes disagree, and rejects two -1s', () => {
    const layer = makeLayer('Reshape', { target_shape: [5, -1] }, [null, 12]);
    expect(() => layer.computeOutputShape([null, 4, 3])).toThrow(
      /12 values per sample into target_shape \[5, -1\], got input shape \[null, 4, 3\]/,
    );
    expect(() => layer.computeOutputShape([null, 10])).not.toThrow();
    expect(() => new Reshape(new ConfigReader({ target_shape: [-1, -1] }, ''), 'r')).toThrow(/only one -1/);
  });
});

describe('Permute', () => {
  it('is 1-based like Keras, returns packed data and matches tf.layers.permute', () => {
    const layer = makeLayer('Permute', { dims: [3, 1, 2] }, [null, 2, 3, 4]);
    expect(layer.computeOutputShape([null, 2, 3, 4])).toEqual([null, 4, 2, 3]);
    const x = rand([2, 2, 3, 4], 4);
    expectSameAsTf(layer, tf.layers.permute({ dims: [3, 1, 2] }), x);
    const y = layer.call(x, { training: false });
    expect(y.data.length).toBe(y.size); // a packed buffer, safe for predict's `.data` copy
    gradcheck((t) => layer.call(t, { training: true }), [rand([2, 2, 3, 4], 6)]);
  });

  it('rejects non-permutations and a rank mismatch naming both', () => {
    expect(() => new Permute(new ConfigReader({ dims: [0, 1] }, ''), 'p')).toThrow(/permutation of 1..2/);
    const layer = makeLayer('Permute', { dims: [2, 1] }, [null, 2, 3]);
    expect(() => layer.computeOutputShape([null, 2, 3, 4])).toThrow(
      /dims \[2, 1\] expects an input of rank 3, got input shape \[null, 2, 3, 4\]/,
    );
  });
});
