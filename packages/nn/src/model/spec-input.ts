// Where a model's per-sample input shape comes from, and checks that declared shapes agree.
import { formatShape, shapesEqual } from '@trainyard/tensor';
import type { LayerEntry } from '../config/normalize.js';
import { NnError } from '../errors.js';
import type { SymbolicShape } from '../layers/layer.js';
import type { SpecOptions } from './spec.js';

/** The declared per-sample input shape, from an InputLayer or the first layer's kwargs. */
export function declaredInput(
  first: LayerEntry,
  buildInputShape: unknown,
): { shape: unknown[]; path: string } | undefined {
  const c = first.config;
  const p = `${first.path}/config`;
  if (Array.isArray(c.batch_input_shape))
    return { shape: c.batch_input_shape.slice(1), path: `${p}/batch_input_shape` };
  if (Array.isArray(c.input_shape)) return { shape: c.input_shape, path: `${p}/input_shape` };
  if (Array.isArray(c.shape)) return { shape: c.shape, path: `${p}/shape` };
  // Embedding's input_dim is its vocabulary size; its sequence length is input_length.
  if (first.className === 'Embedding') {
    if (typeof c.input_length === 'number') return { shape: [c.input_length], path: `${p}/input_length` };
  } else if (c.input_dim !== undefined && c.input_dim !== null) {
    // Keras 2 recurrent layers: input_length timesteps of input_dim features.
    if (typeof c.input_length === 'number') return { shape: [c.input_length, c.input_dim], path: `${p}/input_dim` };
    return { shape: [c.input_dim], path: `${p}/input_dim` };
  }
  const built = Array.isArray(first.buildInputShape)
    ? first.buildInputShape
    : Array.isArray(buildInputShape)
      ? buildInputShape
      : undefined;
  if (built) return { shape: built.slice(1), path: `${first.path}/build_config/input_shape` };
  return undefined;
}

/** `shape` as positive integer dimensions; throws SPEC_INVALID_MODEL naming `what` at `path`. */
export function checkDims(shape: unknown[], path: string, what: string): number[] {
  if (!shape.every((d) => Number.isSafeInteger(d) && (d as number) > 0)) {
    throw new NnError(
      'SPEC_INVALID_MODEL',
      `${what} ${JSON.stringify(shape)} must list positive integers (variable-size axes are not supported)`,
      { path },
    );
  }
  return shape as number[];
}

/** The first layer's per-sample input shape: declared, given in `opts`, or both when they agree. */
export function resolveInputShape(
  first: LayerEntry,
  firstName: string,
  buildInputShape: unknown,
  layersPath: string,
  opts: SpecOptions,
): number[] {
  const declared = declaredInput(first, buildInputShape);
  const given = opts.inputShape ? checkDims([...opts.inputShape], '', 'the given input shape') : undefined;
  if (!declared) {
    if (given) return given;
    throw new NnError(
      'SPEC_INVALID_MODEL',
      'the first layer needs an input shape (batch_input_shape, input_shape, input_dim, or an InputLayer)',
      {
        index: 0,
        path: `${layersPath}/0/config`,
      },
    );
  }
  const shape = checkDims(declared.shape, declared.path, 'input shape');
  if (given && !shapesEqual(shape, given)) {
    throw new NnError(
      'SPEC_SHAPE_MISMATCH',
      `layer "${firstName}" (index 0) expects samples of shape ${formatShape(shape)} but the data has ${formatShape(given)}`,
      {
        layer: firstName,
        index: 0,
        path: declared.path,
      },
    );
  }
  return shape;
}

/**
 * A later layer may still carry the input shape it was built for (Keras 3 build_config, or a
 * stray batch_input_shape): it must agree with what shape inference derived.
 */
export function checkDeclared(entry: LayerEntry, name: string, inferred: SymbolicShape): void {
  const declared = declaredInput(entry, undefined);
  if (!declared) return;
  const expected = [null, ...declared.shape];
  const same = expected.length === inferred.length && expected.every((d, i) => i === 0 || d === inferred[i]);
  if (!same) {
    throw new NnError(
      'SPEC_SHAPE_MISMATCH',
      `layer "${name}" (index ${entry.index}) declares input shape ${formatShape(expected as (number | null)[])} but receives ${formatShape(inferred)}`,
      {
        layer: name,
        index: entry.index,
        path: declared.path,
      },
    );
  }
}
