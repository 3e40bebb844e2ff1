import { record } from '../autograd/engine.js';
import { windowGeometry, type Pair, type Padding } from '../kernels/conv-geometry.js';
import { maxPoolBackward, maxPoolForward } from '../kernels/pool.js';
import { Tensor } from '../tensor.js';
import { contiguousData } from './util.js';

/** Options of 2-D pooling (Keras defaults: poolSize 2, strides = poolSize, padding 'valid'). */
export interface Pool2dOptions {
  poolSize?: Pair;
  strides?: Pair;
  padding?: Padding;
}

/** Normalises pooling options to [kH, kW], strides and padding. */
export function poolArgs(opts: Pool2dOptions): { kH: number; kW: number; strides: Pair; padding: Padding } {
  const size = opts.poolSize ?? 2;
  const [kH, kW] = typeof size === 'number' ? [size, size] : size;
  return { kH, kW, strides: opts.strides ?? size, padding: opts.padding ?? 'valid' };
}

/** Max pooling over NHWC `x`; `same` padding never wins a window. Example: `maxPool2d(x, { poolSize: 2 })`. */
export function maxPool2d(x: Tensor, opts: Pool2dOptions = {}): Tensor {
  const { kH, kW, strides, padding } = poolArgs(opts);
  const g = windowGeometry('maxPool2d', x.shape, kH, kW, strides, padding);
  const { y, argmax } = maxPoolForward(contiguousData(x), g);
  const out = new Tensor(y, [g.batch, g.outH, g.outW, g.inC]);
  return record(out, 'maxPool2d', [x], (dy) => [maxPoolBackward(dy, argmax, x.size)]);
}
