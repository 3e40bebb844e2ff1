import { record } from '../autograd/engine.js';
import { windowGeometry } from '../kernels/conv-geometry.js';
import { avgPoolBackward, avgPoolForward } from '../kernels/pool.js';
import { Tensor } from '../tensor.js';
import { poolArgs, type Pool2dOptions } from './max-pool2d.js';
import { contiguousData } from './util.js';

/** Average pooling over NHWC `x`; with `same` padding each window averages only its real cells. */
export function avgPool2d(x: Tensor, opts: Pool2dOptions = {}): Tensor {
  const { kH, kW, strides, padding } = poolArgs(opts);
  const g = windowGeometry('avgPool2d', x.shape, kH, kW, strides, padding);
  const out = new Tensor(avgPoolForward(contiguousData(x), g), [g.batch, g.outH, g.outW, g.inC]);
  return record(out, 'avgPool2d', [x], (dy) => [avgPoolBackward(dy, g)]);
}
