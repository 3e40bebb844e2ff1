import { record } from '../autograd/engine.js';
import { TensorError } from '../errors.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousData } from './util.js';

function dims(op: string, x: Tensor): [n: number, pixels: number, c: number] {
  if (x.ndim !== 4)
    throw new TensorError('TENSOR_INVALID_SHAPE', `${op} needs NHWC input of rank 4, got ${formatShape(x.shape)}`);
  if (x.shape[1] * x.shape[2] === 0)
    throw new TensorError('TENSOR_INVALID_SHAPE', `${op} needs at least one pixel, got ${formatShape(x.shape)}`);
  return [x.shape[0], x.shape[1] * x.shape[2], x.shape[3]];
}

/** Mean over the spatial axes of NHWC `x`: [batch, h, w, c] → [batch, c] (Keras GlobalAveragePooling2D). */
export function globalAvgPool2d(x: Tensor): Tensor {
  const [n, pix, c] = dims('globalAvgPool2d', x);
  const xd = contiguousData(x);
  const y = new Float32Array(n * c);
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < pix; p++) {
      const src = (b * pix + p) * c;
      for (let k = 0; k < c; k++) y[b * c + k] += xd[src + k];
    }
  }
  for (let i = 0; i < y.length; i++) y[i] /= pix;
  return record(new Tensor(y, [n, c]), 'globalAvgPool2d', [x], (dy) => {
    const dx = new Float32Array(x.size);
    for (let b = 0; b < n; b++) {
      for (let p = 0; p < pix; p++) {
        const dst = (b * pix + p) * c;
        for (let k = 0; k < c; k++) dx[dst + k] = dy[b * c + k] / pix;
      }
    }
    return [dx];
  });
}

/** Max over the spatial axes of NHWC `x`: [batch, h, w, c] → [batch, c]; the first maximum gets the gradient. */
export function globalMaxPool2d(x: Tensor): Tensor {
  const [n, pix, c] = dims('globalMaxPool2d', x);
  const xd = contiguousData(x);
  // Each image's first pixel seeds the maximum, so an all -Infinity channel still has an argmax.
  const y = new Float32Array(n * c);
  const argmax = new Int32Array(n * c);
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < c; k++) {
      y[b * c + k] = xd[b * pix * c + k];
      argmax[b * c + k] = b * pix * c + k;
    }
    for (let p = 1; p < pix; p++) {
      const src = (b * pix + p) * c;
      for (let k = 0; k < c; k++) {
        if (xd[src + k] > y[b * c + k]) {
          y[b * c + k] = xd[src + k];
          argmax[b * c + k] = src + k;
        }
      }
    }
  }
  return record(new Tensor(y, [n, c]), 'globalMaxPool2d', [x], (dy) => {
    const dx = new Float32Array(x.size);
    for (let i = 0; i < dy.length; i++) dx[argmax[i]] += dy[i];
    return [dx];
  });
}
