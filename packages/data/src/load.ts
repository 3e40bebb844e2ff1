import { builtinInfo, resolveOptions, type SyntheticName } from './builtins.js';
import { loadClassic, type ClassicName } from './classic.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { synthetic } from './synthetic.js';
import type { Dataset } from './types.js';

/** Where installed datasets live on this machine (the worker passes its configuration). */
export interface DataEnv {
  fashionMnistDir?: string;
}

/** Validates options and produces a built-in dataset, e.g. `await loadBuiltin('moons', { samples: 500 })`. */
export async function loadBuiltin(
  name: string,
  options: Record<string, unknown> | undefined,
  env: DataEnv = {},
): Promise<Dataset> {
  resolveOptions(name, options);
  if (name === 'fashion-mnist') return loadFashionMnist(env.fashionMnistDir || undefined);
  if (builtinInfo(name).kind === 'bundled') return loadClassic(name as ClassicName, options);
  return synthetic(name as SyntheticName, options);
}
