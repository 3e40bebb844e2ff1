import { gradcheck } from '@trainyard/tensor';
import { describe, expect, it } from 'vitest';
import { ConfigReader } from '../config/reader.js';
import { MaxPooling2D } from './pooling.js';
import { expectSameAsTf, makeLayer, rand, tf } from './test-utils/oracle.js';

describe('pooling layers', () => {
  const cases = [
    ['MaxPooling2D', 'valid 2×2', { pool_size: 2 }, () => tf.layers.maxPooling2d({ poolSize: 2 })],
    [
      'MaxPooling2D',
      'same 3×3 stride 2',
      { pool_size: 3, strides: 2, padding: 'same' },
      () => tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
    ],
    [
      'AveragePooling2D',
      'valid [2,3] stride 1',
      { pool_size: [2, 3], strides: 1 },
      () => tf.layers.averagePooling2d({ poolSize: [2, 3], strides: 1 }),
    ],
    [
      'AveragePooling2D',
      'same 3×3 stride 2',
      { pool_size: 3, strides: 2, padding: 'same' },
      () => tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
    ],
    ['GlobalAveragePooling2D', '', {}, () => tf.layers.globalAveragePooling2d({})],
    ['GlobalMaxPooling2D', '', {}, () => tf.layers.globalMaxPooling2d({})],
  ] as const;

  it.each(cases)('%s %s matches TF.js and its computeOutputShape', (cls, _, config, tfLayer) => {
    const shape = [2, 7, 5, 3];
    const layer = makeLayer(cls, config, [null, 7, 5, 3]);
    const tfl = tfLayer();
    expectSameAsTf(layer, tfl, rand(shape, 11));
    expect(layer.computeOutputShape([null, 7, 5, 3])).toEqual([
      null,
      ...(tfl.computeOutputShape([null, 7, 5, 3]) as number[]).slice(1),
    ]);
    expect(layer.countParams([null, 7, 5, 3])).toBe(0);
  });

  it('strides default to pool_size and are written out; global pooling keepdims gives [batch, 1, 1, c]', () => {
    const pool = makeLayer('MaxPooling2D', { pool_size: [3, 2] }, [null, 6, 6, 1]);
    expect(pool.getConfig()).toMatchObject({
      pool_size: [3, 2],
      strides: [3, 2],
      padding: 'valid',
      data_format: 'channels_last',
    });
    const gap = makeLayer('GlobalAveragePooling2D', { keepdims: true }, [null, 4, 4, 2]);
    expect(gap.computeOutputShape([null, 4, 4, 2])).toEqual([null, 1, 1, 2]);
    const x = rand([3, 4, 4, 2], 2);
    const y = gap.call(x, { training: false });
    expect(y.shape).toEqual([3, 1, 1, 2]);
    const col = Array.from({ length: 16 }, (_, p) => x.data[p * 2 + 1]);
    expect(y.data[1]).toBeCloseTo(col.reduce((a, b) => a + b) / 16, 6);
  });

  it('names both shapes on a bad input and rejects channels_first', () => {
    const pool = makeLayer('AveragePooling2D', { pool_size: 4 }, [null, 8, 8, 1]);
    expect(() => pool.computeOutputShape([null, 3, 8, 1])).toThrow(
      /pool \[4, 4\] does not fit.*\[null, 0, 2, 1\].*got input shape \[null, 3, 8, 1\]/,
    );
    expect(() => pool.computeOutputShape([null, 8, 8])).toThrow(/rank 4.*got input shape \[null, 8, 8\]/);
    expect(() => new MaxPooling2D(new ConfigReader({ data_format: 'channels_first' }, ''), 'p')).toThrow(
      /channels_first/,
    );
  });

  it.each(['MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D'])(
    '%s has exact gradients',
    (cls) => {
      const layer = makeLayer(cls, { pool_size: 2, strides: 1, padding: 'same' }, [null, 3, 3, 2]);
      gradcheck((x) => layer.call(x, { training: true }), [rand([2, 3, 3, 2], 5)]);
    },
  );
});
