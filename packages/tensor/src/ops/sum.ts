import { record } from '../autograd/engine.js';
import { expandReduced, reducedShape, sumAxes } from '../kernels/reduce.js';
import { normalizeAxes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousData } from './util.js';

/** Output shape of a reduction over `axes` (sorted) with or without the reduced axes kept. */
export function reductionShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  return keepDims ? reducedShape(shape, axes) : shape.filter((_, i) => !axes.includes(i));
}

/** Sum over `axis` (a number, a list, or all axes when omitted). */
export function sum(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  const axes = normalizeAxes(axis, x.ndim);
  const out = new Tensor(sumAxes(contiguousData(x), x.shape, axes), reductionShape(x.shape, axes, keepDims));
  return record(out, 'sum', [x], (g) => [expandReduced(g, x.shape, axes)]);
}
