import { record } from '../autograd/engine.js';
import { TensorError } from '../errors.js';
import { permute } from '../kernels/transpose.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';

/** Permutes axes: output axis i = input axis perm[i]; default reverses all axes. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const p = perm ? perm.map((ax) => (ax < 0 ? ax + x.ndim : ax)) : x.shape.map((_, i) => x.ndim - 1 - i);
  const valid = p.length === x.ndim && new Set(p).size === x.ndim && p.every((ax) => Number.isInteger(ax) && ax >= 0 && ax < x.ndim);
  if (!valid) throw new TensorError('TENSOR_INVALID_AXIS', `invalid permutation [${perm?.join(', ')}] for shape ${formatShape(x.shape)}`);
  const outShape = p.map((ax) => x.shape[ax]);
  const out = new Tensor(permute(x.data, x.shape, p), outShape);
  const inverse = new Array<number>(p.length);
  p.forEach((ax, i) => (inverse[ax] = i));
  return record(out, 'transpose', [x], (g) => [permute(g, outShape, inverse)]);
}
