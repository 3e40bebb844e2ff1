import { BUILTINS, fromInline } from '@trainyard/data';
import { NnError, type IndexInput } from '@trainyard/nn';
import type { JobSpec } from '@trainyard/contracts';

/**
 * An Embedding reads integer indices in [0, input_dim): the engine checks every batch and fails
 * the job otherwise. The api knows enough to refuse most such specs before queuing: indices a
 * layer computes (a Dense's output) are real numbers; a built-in's features are real-valued unless
 * it says otherwise; and inline data is at hand. An uploaded dataset's values are not (its record
 * keeps shapes only), so those are left to the worker.
 */
export function checkIndexInputs(embeddings: readonly IndexInput[], dataset: JobSpec['dataset']): void {
  if (embeddings.length === 0) return;
  for (const e of embeddings) {
    if (e.input === null) {
      throw new NnError(
        'SPEC_INVALID_MODEL',
        `layer "${e.layer}": an Embedding needs integer indices, but its input is the output of layer "${e.from}" (real numbers); give it the model input`,
        { path: `/model${e.path}`, layer: e.layer, from: e.from },
      );
    }
  }
  const needed = Math.min(...embeddings.map((e) => e.inputDim));
  const first = embeddings.find((e) => e.inputDim === needed)!;
  const refuse = (what: string, path: string, extra: Record<string, unknown> = {}) =>
    new NnError(
      'SPEC_INCOMPATIBLE_TARGETS',
      `layer "${first.layer}": an Embedding needs integer indices in [0, ${needed}), but ${what}`,
      {
        path,
        layer: first.layer,
        input_dim: needed,
        ...extra,
      },
    );
  if ('builtin' in dataset) {
    const info = BUILTINS.find((b) => b.name === dataset.builtin);
    if (!info) return; // refused as unknown elsewhere
    const standardized = Boolean(
      dataset.options?.standardize ?? info.options.find((o) => o.name === 'standardize')?.default,
    );
    if (info.maxIntegerFeature === undefined || standardized)
      throw refuse(
        `the built-in ${info.name} has real-valued features${standardized ? ' (standardized)' : ''}`,
        '/dataset',
      );
    if (info.maxIntegerFeature >= needed)
      throw refuse(`the built-in ${info.name} has feature values up to ${info.maxIntegerFeature}`, '/dataset', {
        max_value: info.maxIntegerFeature,
      });
    return;
  }
  if (!('inline' in dataset)) return;
  const x = fromInline(dataset.inline).x.data;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!Number.isInteger(v) || v < 0 || v >= needed)
      throw refuse(`inline x holds ${v} (value ${i} in row-major order)`, '/dataset/inline/x', { value: v, index: i });
  }
}
