import { formatShape, shapesEqual, Tensor } from '@trainyard/tensor';
import { NnError } from '../errors.js';
import type { ModelInput } from './spec.js';

/** A zero-copy view of rows [start, start + size) of a batch-major tensor. */
export function sliceRows(t: Tensor, start: number, size: number): Tensor {
  const row = t.shape[0] === 0 ? 0 : t.size / t.shape[0];
  return new Tensor(t.data.subarray(start * row, (start + size) * row), [size, ...t.shape.slice(1)]);
}

/** Validates a batch size; throws SPEC_INVALID_FIT_CONFIG. */
export function checkBatchSize(bs: number): number {
  if (!Number.isSafeInteger(bs) || bs < 1)
    throw new NnError('SPEC_INVALID_FIT_CONFIG', `batch size must be a positive integer, got ${bs}`, {
      path: '/batch_size',
    });
  return bs;
}

/**
 * Model inputs or targets: one tensor (single-input / single-output models), a list in model
 * order, or an object keyed by input or output layer name — the forms Keras accepts.
 */
export type ModelData = Tensor | readonly Tensor[] | Readonly<Record<string, Tensor>>;

/** `d` as a list in the order of `slots` (the model's inputs or outputs); throws SPEC_SHAPE_MISMATCH or SPEC_INCOMPATIBLE_TARGETS. */
export function toList(d: ModelData, slots: readonly { name: string }[], what: 'input' | 'output'): Tensor[] {
  const code = what === 'input' ? 'SPEC_SHAPE_MISMATCH' : 'SPEC_INCOMPATIBLE_TARGETS';
  const names = slots.map((s) => s.name).join(', ');
  if (d instanceof Tensor) {
    if (slots.length !== 1)
      throw new NnError(
        code,
        `the model has ${slots.length} ${what}s (${names}); pass a list or an object keyed by name`,
      );
    return [d];
  }
  if (Array.isArray(d)) {
    if (d.length !== slots.length)
      throw new NnError(code, `the model has ${slots.length} ${what}s (${names}), got ${d.length} arrays`);
    return [...d];
  }
  const byName = d as Readonly<Record<string, Tensor>>;
  const extra = Object.keys(byName).find((k) => !slots.some((s) => s.name === k));
  if (extra !== undefined) throw new NnError(code, `"${extra}" is not an ${what} of the model (${what}s: ${names})`);
  return slots.map((s) => byName[s.name] ?? raise(new NnError(code, `no data for ${what} "${s.name}"`)));
}

/** Checks that every array has the same number of rows and each input its declared per-sample shape; returns the row count. */
export function checkRows(xs: readonly Tensor[], inputs: readonly ModelInput[]): number {
  xs.forEach((x, i) => {
    if (x.ndim < 1 || !shapesEqual(x.shape.slice(1), inputs[i].shape)) {
      const which = inputs.length > 1 ? ` "${inputs[i].name}"` : '';
      throw new NnError(
        'SPEC_SHAPE_MISMATCH',
        `the model expects input${which} of shape ${formatShape([null, ...inputs[i].shape])}, got ${formatShape(x.shape)}`,
      );
    }
    if (x.shape[0] !== xs[0].shape[0])
      throw new NnError(
        'SPEC_SHAPE_MISMATCH',
        `input arrays must have the same number of samples, got ${xs.map((t) => t.shape[0]).join(' and ')}`,
      );
  });
  return xs[0].shape[0];
}

function raise(e: Error): never {
  throw e;
}
