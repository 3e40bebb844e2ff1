import { fromArrays, type ArrayOptions } from './arrays.js';
import { DataError } from './errors.js';
import { fromInline } from './inline.js';
import type { Dataset } from './types.js';

/**
 * A JSON `{ x, y }` upload (nested arrays), given parsed or as bytes: checked as inline data is
 * (JSON pointers in errors), then against the declared classes and sample shape.
 */
export function fromJsonData(input: unknown, opts: ArrayOptions & { maxSamples?: number } = {}): Dataset {
  let body = input;
  if (input instanceof Uint8Array || typeof input === 'string') {
    try {
      body = JSON.parse(typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input));
    } catch (err) {
      throw new DataError('DATASET_INVALID_JSON', `The dataset is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !('x' in body) || !('y' in body)) {
    throw new DataError('DATASET_INVALID_JSON', 'A JSON dataset is an object { "x": [...], "y": [...] }');
  }
  const maxValues = opts.maxValues ?? Number.MAX_SAFE_INTEGER;
  const inline = fromInline(body as { x: unknown; y: unknown }, {
    maxSamples: opts.maxSamples ?? maxValues,
    maxValues,
  });
  return fromArrays(inline.x, inline.y, { ...opts, name: opts.name ?? 'json' });
}
