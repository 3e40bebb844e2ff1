import { TensorError } from '../errors.js';
import { permute } from '../kernels/transpose.js';
import { formatShape } from '../shape.js';
import { Tensor, type DType } from '../tensor.js';
import { recordAny } from './util.js';

/**
 * Permutes axes: output axis i = input axis perm[i]; default reverses all axes. Returns a view
 * sharing `x`'s buffer (permuted strides); call `.contiguous()` for a row-major copy.
 */
export function transpose<D extends DType = 'float32'>(x: Tensor<D>, perm?: readonly number[]): Tensor<D> {
  const p = perm ? perm.map((ax) => (ax < 0 ? ax + x.ndim : ax)) : x.shape.map((_, i) => x.ndim - 1 - i);
  const valid =
    p.length === x.ndim &&
    new Set(p).size === x.ndim &&
    p.every((ax) => Number.isInteger(ax) && ax >= 0 && ax < x.ndim);
  if (!valid)
    throw new TensorError(
      'TENSOR_INVALID_AXIS',
      `invalid permutation [${perm?.join(', ')}] for shape ${formatShape(x.shape)}`,
    );
  const outShape = p.map((ax) => x.shape[ax]);
  const out = new Tensor<D>(x.data, outShape, false, { strides: p.map((ax) => x.strides[ax]), offset: x.offset });
  const inverse = new Array<number>(p.length);
  p.forEach((ax, i) => (inverse[ax] = i));
  // Gradients are row-major in the output's axis order; the inverse permutation restores x's.
  return recordAny(out, 'transpose', [x], (g) => [permute(g, outShape, inverse)]);
}
