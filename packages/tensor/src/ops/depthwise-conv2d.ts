import { record } from '../autograd/engine.js';
import { TensorError } from '../errors.js';
import { windowGeometry } from '../kernels/conv-geometry.js';
import { depthwiseFilterGrad, depthwiseForward, depthwiseInputGrad } from '../kernels/conv-depthwise.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { Conv2dOptions } from './conv2d.js';
import { contiguousData } from './util.js';

/**
 * Depthwise 2-D convolution of NHWC `x` [batch, h, w, c] with `filter` [kh, kw, c, mult] →
 * [batch, outH, outW, c·mult] (TF's depthwiseConv2d; options as conv2d).
 */
export function depthwiseConv2d(x: Tensor, filter: Tensor, opts: Conv2dOptions = {}): Tensor {
  if (filter.ndim !== 4) {
    throw new TensorError(
      'TENSOR_INVALID_SHAPE',
      `depthwiseConv2d needs a filter [kh, kw, in, multiplier] of rank 4, got ${formatShape(filter.shape)}`,
    );
  }
  const [kH, kW, inC, mult] = filter.shape;
  const g = windowGeometry(
    'depthwiseConv2d',
    x.shape,
    kH,
    kW,
    opts.strides ?? 1,
    opts.padding ?? 'valid',
    opts.dilations ?? 1,
  );
  if (g.inC !== inC) {
    throw new TensorError(
      'TENSOR_SHAPE_MISMATCH',
      `depthwiseConv2d input ${formatShape(x.shape)} has ${g.inC} channels but filter ${formatShape(filter.shape)} expects ${inC}`,
    );
  }
  const xd = contiguousData(x);
  const wd = contiguousData(filter);
  const out = new Tensor(depthwiseForward(xd, wd, g, mult), [g.batch, g.outH, g.outW, inC * mult]);
  return record(out, 'depthwiseConv2d', [x, filter], (dy) => [
    x.requiresGrad ? depthwiseInputGrad(dy, wd, g, mult) : null,
    filter.requiresGrad ? depthwiseFilterGrad(xd, dy, g, mult) : null,
  ]);
}
