import { fromInline, loadBuiltin, type Dataset } from '@trainyard/data';
import type { DatasetSpec } from '@trainyard/contracts';

/** Resolves a job's dataset spec to arrays: built-ins are generated or read locally by each worker. */
export async function loadDataset(spec: DatasetSpec, env: { fashionMnistDir: string }): Promise<Dataset> {
  if ('inline' in spec) return fromInline(spec.inline);
  return loadBuiltin(spec.builtin, spec.options, { fashionMnistDir: env.fashionMnistDir });
}
