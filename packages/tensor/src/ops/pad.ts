import { TensorError } from '../errors.js';
import { packStrided, scatterStrided } from '../layout.js';
import { formatShape, sizeOf, stridesOf } from '../shape.js';
import { Tensor, type DType, type DataOf } from '../tensor.js';
import { contiguousAny, recordAny } from './util.js';

/**
 * Pads with a constant: `paddings[i] = [before, after]` for axis i (as tf.pad). The gradient is
 * the interior of the output gradient.
 */
export function pad<D extends DType = 'float32'>(
  x: Tensor<D>,
  paddings: readonly (readonly [number, number])[],
  value = 0,
): Tensor<D> {
  const ok =
    paddings.length === x.ndim &&
    paddings.every((p) => p.length === 2 && p.every((v) => Number.isSafeInteger(v) && v >= 0));
  if (!ok) {
    throw new TensorError(
      'TENSOR_INVALID_ARGUMENT',
      `paddings ${JSON.stringify(paddings)} need one non-negative [before, after] pair per axis of ${formatShape(x.shape)}`,
    );
  }
  const shape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const strides = stridesOf(shape);
  const offset = paddings.reduce((o, [before], i) => o + before * strides[i], 0);
  const out = new (x.data.constructor as new (n: number) => DataOf<D>)(sizeOf(shape));
  if (value !== 0) out.fill(value);
  scatterStrided(out, x.shape, strides, offset, contiguousAny(x));
  const result = new Tensor<D>(out, shape);
  return recordAny(result, 'pad', [x], (g) => [packStrided(g, x.shape, strides, offset)]);
}
