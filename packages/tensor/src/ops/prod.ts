import { record } from '../autograd/engine.js';
import { prodAxes } from '../kernels/reduce.js';
import { permute } from '../kernels/transpose.js';
import { normalizeAxes, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { reductionShape } from './sum.js';
import { contiguousData } from './util.js';

// d prod / d x_j is the product of the other elements of x_j's group. Prefix and suffix products
// give it without dividing by x_j, so zeros (one or several) need no special case.
function prodGrad(g: Float32Array, x: Float32Array, shape: Shape, axes: readonly number[]): Float32Array {
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const xp = permute(x, shape, perm);
  let n = 1;
  for (const ax of axes) n *= shape[ax];
  const dxp = new Float32Array(xp.length);
  for (let o = 0, base = 0; base < xp.length; o++, base += n) {
    // First pass stores prefix products, second multiplies in the suffix and the output gradient.
    let acc = 1;
    for (let j = 0; j < n; j++) {
      dxp[base + j] = acc;
      acc *= xp[base + j];
    }
    acc = g[o];
    for (let j = n - 1; j >= 0; j--) {
      dxp[base + j] *= acc;
      acc *= xp[base + j];
    }
  }
  const inverse = new Array<number>(perm.length);
  perm.forEach((ax, i) => (inverse[ax] = i));
  return permute(
    dxp,
    perm.map((ax) => shape[ax]),
    inverse,
  );
}

/** Product over `axis` (a number, a list, or all axes when omitted); gradients are exact with zeros present. */
export function prod(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const axes = normalizeAxes(axis, x.ndim);
  const src = contiguousData(x);
  const out = new Tensor(prodAxes(src, x.shape, axes), reductionShape(x.shape, axes, keepDims));
  return record(out, 'prod', [x], (g) => [prodGrad(g, src, x.shape, axes)]);
}
