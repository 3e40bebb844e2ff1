import { record } from '../autograd/engine.js';
import { TensorError } from '../errors.js';
import { windowGeometry, type Pair, type Padding } from '../kernels/conv-geometry.js';
import { conv2dBackward, conv2dForward } from '../kernels/conv.js';
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
  /**
   * 'relu' applies relu to the result inside the kernel: the same values and gradients as
   * `relu(conv2d(...))` without the separate op's full-size passes and arrays.
   */
  activation?: 'relu';
}

/**
 * 2-D convolution (cross-correlation, as TF) of NHWC `x` [batch, h, w, in] with an HWIO `filter`
 * [kh, kw, in, out] → [batch, outH, outW, out]. Example: `conv2d(x, w, { padding: 'same' })`.
 */
export function conv2d(x: Tensor, filter: Tensor, opts: Conv2dOptions = {}): Tensor {
  if (filter.ndim !== 4) {
    throw new TensorError(
      'TENSOR_INVALID_SHAPE',
      `conv2d needs an HWIO filter of rank 4, got ${formatShape(filter.shape)}`,
    );
  }
  const [kH, kW, inC, outC] = filter.shape;
  const g = windowGeometry('conv2d', x.shape, kH, kW, opts.strides ?? 1, opts.padding ?? 'valid', opts.dilations ?? 1);
  if (g.inC !== inC) {
    throw new TensorError(
      'TENSOR_SHAPE_MISMATCH',
      `conv2d input ${formatShape(x.shape)} has ${g.inC} channels but filter ${formatShape(filter.shape)} expects ${inC}`,
    );
  }
  const bias = opts.bias;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outC)) {
    throw new TensorError(
      'TENSOR_SHAPE_MISMATCH',
      `conv2d bias ${formatShape(bias.shape)} does not match ${outC} output channels`,
    );
  }
  const xd = contiguousData(x);
  const wd = contiguousData(filter);
  const relu = opts.activation === 'relu';
  // The bias (and relu) are applied in place into the fresh output: a separate add allocated (and
  // page-faulted in) another full-size activation per layer and step. Each value rounds once per
  // step, as add and relu do.
  const yd = conv2dForward(xd, wd, g, outC, bias ? contiguousData(bias) : null, relu);
  const shape = [g.batch, g.outH, g.outW, outC];
  const out = new Tensor(yd, shape);
  return record(out, 'conv2d', bias ? [x, filter, bias] : [x, filter], (dy) => {
    const grads = conv2dBackward(xd, wd, dy, relu ? yd : null, g, outC, {
      dx: x.requiresGrad,
      dw: filter.requiresGrad,
      db: !!bias?.requiresGrad,
    });
    return [grads.dx, grads.dw, grads.db];
  });
}
