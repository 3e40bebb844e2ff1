import type { DType, Tensor } from '../tensor.js';
import { checkJoin, concat } from './concat.js';
import { expandDims, insertionAxis } from './expand-dims.js';

/** Joins same-shaped tensors along a new axis: n × [2, 3] → [n, 2, 3] for axis 0 (as tf.stack). Composite. */
export function stack<D extends DType = 'float32'>(xs: readonly Tensor<D>[], axis = 0): Tensor<D> {
  const ax = insertionAxis(axis, xs[0]?.ndim ?? 0, xs[0]?.shape ?? []);
  checkJoin('stack', xs, ax, true);
  return concat(
    xs.map((x) => expandDims(x, ax)),
    ax,
  );
}
