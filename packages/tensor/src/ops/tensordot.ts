import { TensorError } from '../errors.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { matmul } from './matmul.js';
import { reshape } from './reshape.js';
import { transpose } from './transpose.js';

/** Axes to contract: the last k of x with the first k of y, or explicit lists [[x axes], [y axes]]. */
export type TensordotAxes = number | readonly [readonly number[], readonly number[]];

const isIdentity = (perm: readonly number[]): boolean => perm.every((ax, i) => ax === i);

// One operand as a matrix: [free, contracted] when `contractedLast`, else [contracted, free].
// Returns the 2-D tensor and whether matmul must read it transposed. Contracted axes that are
// already a contiguous block at either end need only a reshape; anything else is permuted once.
function asMatrix(
  t: Tensor,
  contracted: readonly number[],
  free: readonly number[],
  contractedLast: boolean,
  k: number,
): [Tensor, boolean] {
  const f = free.reduce((p, ax) => p * t.shape[ax], 1);
  const wanted = contractedLast ? [...free, ...contracted] : [...contracted, ...free];
  const other = contractedLast ? [...contracted, ...free] : [...free, ...contracted];
  const shape2 = contractedLast ? [f, k] : [k, f];
  if (isIdentity(wanted)) return [reshape(t, shape2), false];
  if (isIdentity(other)) return [reshape(t, contractedLast ? [k, f] : [f, k]), true];
  return [reshape(transpose(t, wanted), shape2), false];
}

/** @internal tensordot with the op name used in error messages (shared with dot). */
export function contract(op: string, x: Tensor, y: Tensor, xAxes: readonly number[], yAxes: readonly number[]): Tensor {
  const fail = (why: string): never => {
    throw new TensorError(
      'TENSOR_SHAPE_MISMATCH',
      `${op} cannot contract ${formatShape(x.shape)} with ${formatShape(y.shape)}: ${why}`,
    );
  };
  if (xAxes.length !== yAxes.length) fail(`${xAxes.length} axes against ${yAxes.length}`);
  const norm = (axes: readonly number[], t: Tensor): number[] => {
    const out = axes.map((ax) => (ax < 0 ? ax + t.ndim : ax));
    if (out.some((ax) => !Number.isInteger(ax) || ax < 0 || ax >= t.ndim) || new Set(out).size !== out.length) {
      throw new TensorError(
        'TENSOR_INVALID_AXIS',
        `${op}: invalid axes [${axes.join(', ')}] for shape ${formatShape(t.shape)}`,
      );
    }
    return out;
  };
  const xa = norm(xAxes, x);
  const ya = norm(yAxes, y);
  let k = 1;
  xa.forEach((ax, i) => {
    if (x.shape[ax] !== y.shape[ya[i]]) fail(`axis ${ax} has ${x.shape[ax]}, axis ${ya[i]} has ${y.shape[ya[i]]}`);
    k *= x.shape[ax];
  });
  const xFree = x.shape.map((_, i) => i).filter((i) => !xa.includes(i));
  const yFree = y.shape.map((_, i) => i).filter((i) => !ya.includes(i));
  const [a, ta] = asMatrix(x, xa, xFree, true, k);
  const [b, tb] = asMatrix(y, ya, yFree, false, k);
  return reshape(matmul(a, b, ta, tb), [...xFree.map((i) => x.shape[i]), ...yFree.map((i) => y.shape[i])]);
}

/**
 * Sums products over the given axes (NumPy `tensordot`). Composite of transpose, reshape and
 * matmul. Example: `tensordot(x[2,3,4], y[4,3,5], [[1, 2], [1, 0]])` has shape [2, 5].
 */
export function tensordot(x: Tensor, y: Tensor, axes: TensordotAxes = 2): Tensor {
  if (typeof axes === 'number') {
    if (!Number.isInteger(axes) || axes < 0 || axes > x.ndim || axes > y.ndim) {
      throw new TensorError(
        'TENSOR_INVALID_AXIS',
        `tensordot cannot contract ${axes} axes of ${formatShape(x.shape)} with ${formatShape(y.shape)}`,
      );
    }
    const xAxes = Array.from({ length: axes }, (_, i) => x.ndim - axes + i);
    const yAxes = Array.from({ length: axes }, (_, i) => i);
    return contract('tensordot', x, y, xAxes, yAxes);
  }
  return contract('tensordot', x, y, axes[0], axes[1]);
}
