import { record } from '../autograd/engine.js';
import { TensorError } from '../errors.js';
import { windowGeometry, type Pair, type Padding } from '../kernels/conv-geometry.js';
import { conv2dFilterGrad, conv2dForward, conv2dInputGrad } from '../kernels/conv.js';
import { sumToShape } from '../kernels/reduce.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousData } from './util.js';

/** Options of conv2d (TF/Keras semantics; defaults: strides 1, padding 'valid', dilations 1). */
export interface Conv2dOptions {
  strides?: Pair;
  padding?: Padding;
  dilations?: Pair;
  /** [out] added to every output pixel; the same values and gradients as `add(conv2d(x, w), bias)`. */
  bias?: Tensor;
}

/**
 * 2-D convolution (cross-correlation, as TF) of NHWC `x` [batch, h, w, in] with an HWIO `filter`
 * [kh, kw, in, out] → [batch, outH, outW, out]. Example: `conv2d(x, w, { padding: 'same' })`.
 */
export function conv2d(x: Tensor, filter: Tensor, opts: Conv2dOptions = {}): Tensor {
  if (filter.ndim !== 4) {
    throw new TensorError('TENSOR_INVALID_SHAPE', `conv2d needs an HWIO filter of rank 4, got ${formatShape(filter.shape)}`);
  }
  const [kH, kW, inC, outC] = filter.shape;
  const g = windowGeometry('conv2d', x.shape, kH, kW, opts.strides ?? 1, opts.padding ?? 'valid', opts.dilations ?? 1);
  if (g.inC !== inC) {
    throw new TensorError('TENSOR_SHAPE_MISMATCH', `conv2d input ${formatShape(x.shape)} has ${g.inC} channels but filter ${formatShape(filter.shape)} expects ${inC}`);
  }
  const bias = opts.bias;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outC)) {
    throw new TensorError('TENSOR_SHAPE_MISMATCH', `conv2d bias ${formatShape(bias.shape)} does not match ${outC} output channels`);
  }
  const xd = contiguousData(x);
  const wd = contiguousData(filter);
  const yd = conv2dForward(xd, wd, g, outC);
  // The bias is added in place into the fresh output: a separate add allocated (and page-faulted
  // in) another full-size activation per layer and step. Each value rounds once, as add does.
  if (bias) {
    const bd = contiguousData(bias);
    for (let o = 0; o < yd.length; o += outC) for (let c = 0; c < outC; c++) yd[o + c] += bd[c];
  }
  const shape = [g.batch, g.outH, g.outW, outC];
  const out = new Tensor(yd, shape);
  return record(out, 'conv2d', bias ? [x, filter, bias] : [x, filter], (dy) => [
    x.requiresGrad ? conv2dInputGrad(dy, wd, g, outC) : null,
    filter.requiresGrad ? conv2dFilterGrad(xd, dy, g, outC) : null,
    bias?.requiresGrad ? sumToShape(dy, shape, bias.shape) : null,
  ]);
}
