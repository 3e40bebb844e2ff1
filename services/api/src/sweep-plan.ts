import { randomInt } from 'node:crypto';
import type { JobSpec, SweepRange, SweepRequest } from '@trainyard/contracts';
import { ApiError } from './errors.js';

/** The parts of a spec a sweep may vary; the dataset, seed and timeout stay the base's. */
const SWEEPABLE = ['model', 'compile', 'fit'];

/** Random search draws this many trials when the request names no count. */
export const DEFAULT_RANDOM_TRIALS = 10;

/** One trial: the value each pointer takes, and the whole spec it makes. */
export interface PlannedTrial {
  params: Record<string, unknown>;
  spec: JobSpec;
}

const invalid = (pointer: string, message: string) =>
  new ApiError('SWEEP_INVALID_PARAMETER', `Parameter ${pointer}: ${message}`, {
    path: `/parameters/${pointer}`,
    pointer,
  });

/** Splits an RFC 6901 pointer into its tokens: "/a~1b/c~0d" → ["a/b", "c~d"]. */
export function parsePointer(pointer: string): string[] {
  if (!pointer.startsWith('/') || /~(?![01])/.test(pointer)) {
    throw invalid(
      pointer,
      'must be a JSON pointer such as /fit/batch_size (RFC 6901: "/" starts each step, ~1 escapes "/", ~0 escapes "~")',
    );
  }
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const isContainer = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const own = (c: Record<string, unknown>, token: string): boolean =>
  Array.isArray(c)
    ? /^(0|[1-9][0-9]*)$/.test(token) && Number(token) < c.length
    : Object.prototype.hasOwnProperty.call(c, token);

/** Checks that a pointer lies under model, compile or fit and addresses a value present in base. */
function checkPointer(base: JobSpec, pointer: string, tokens: string[]): void {
  if (!SWEEPABLE.includes(tokens[0] ?? '')) {
    throw invalid(
      pointer,
      `only values under ${SWEEPABLE.map((r) => `/${r}/…`).join(', ')} can be swept; the dataset, seed and timeout are the base's`,
    );
  }
  let at: unknown = base;
  tokens.forEach((token, i) => {
    if (!isContainer(at) || !own(at, token)) {
      const parent = `/${tokens.slice(0, i).join('/')}`;
      throw invalid(
        pointer,
        `base has no "${token}" at ${parent === '/' ? 'its top level' : parent}; every swept value must be present in base (write its default there)`,
      );
    }
    at = at[token];
  });
}

function setAt(spec: JobSpec, tokens: string[], value: unknown): void {
  let at = spec as unknown as Record<string, unknown>;
  for (const token of tokens.slice(0, -1)) at = at[token] as Record<string, unknown>;
  at[tokens[tokens.length - 1]] = structuredClone(value);
}

function checkRange(pointer: string, r: SweepRange): void {
  if (!Number.isFinite(r.min) || !Number.isFinite(r.max) || r.min > r.max)
    throw invalid(pointer, `min (${r.min}) must not be above max (${r.max})`);
  if (r.scale === 'log' && r.min <= 0) throw invalid(pointer, `a log-scale range needs min > 0, got ${r.min}`);
  if (r.integer && Math.ceil(r.min) > Math.floor(r.max))
    throw invalid(pointer, `no integer lies between ${r.min} and ${r.max}`);
}

/** mulberry32: a tiny seeded generator, so the same seed draws the same trials on any api instance. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample(r: SweepRange, u: number): number {
  const log = r.scale === 'log';
  const [lo, hi] = log ? [Math.log(r.min), Math.log(r.max)] : [r.min, r.max];
  const x = log ? Math.exp(lo + u * (hi - lo)) : lo + u * (hi - lo);
  return r.integer ? Math.min(Math.floor(r.max), Math.max(Math.ceil(r.min), Math.round(x))) : x;
}

/**
 * Expands a sweep request into its trials, each a whole spec: a grid is every combination of the
 * value lists (the last parameter varying fastest), random search draws `trials` combinations
 * from a generator seeded with `seed` (made up and returned when the request has none).
 */
export function planTrials(req: SweepRequest, maxTrials: number): { seed?: number; trials: PlannedTrial[] } {
  const params = Object.entries(req.parameters).map(([pointer, values]) => {
    const tokens = parsePointer(pointer);
    checkPointer(req.base, pointer, tokens);
    if (!Array.isArray(values)) {
      if (req.method === 'grid')
        throw invalid(pointer, 'a grid needs a list of values; ranges { min, max } are for random search');
      checkRange(pointer, values);
    }
    return { pointer, tokens, values };
  });

  let combos: unknown[][];
  let seed: number | undefined;
  if (req.method === 'grid') {
    if (req.trials !== undefined)
      throw new ApiError('SWEEP_INVALID_PARAMETER', 'trials is for random search; a grid runs every combination', {
        path: '/trials',
      });
    const count = params.reduce((n, p) => n * (p.values as unknown[]).length, 1);
    if (count > maxTrials) {
      throw new ApiError(
        'SWEEP_TOO_MANY_TRIALS',
        `The grid has ${count} combinations; a sweep may run at most ${maxTrials} trials`,
        { path: '/parameters', trials: count, limit: maxTrials },
      );
    }
    combos = params.reduce<unknown[][]>(
      (acc, p) => acc.flatMap((combo) => (p.values as unknown[]).map((v) => [...combo, v])),
      [[]],
    );
  } else {
    const count = req.trials ?? DEFAULT_RANDOM_TRIALS;
    if (count > maxTrials) {
      throw new ApiError('SWEEP_TOO_MANY_TRIALS', `${count} trials asked for; a sweep may run at most ${maxTrials}`, {
        path: '/trials',
        trials: count,
        limit: maxTrials,
      });
    }
    seed = req.seed ?? randomInt(2 ** 31);
    const next = rng(seed);
    combos = Array.from({ length: count }, () =>
      params.map((p) =>
        Array.isArray(p.values) ? p.values[Math.floor(next() * p.values.length)] : sample(p.values, next()),
      ),
    );
  }

  const trials = combos.map((combo) => {
    const spec = structuredClone(req.base);
    params.forEach((p, i) => setAt(spec, p.tokens, combo[i]));
    return { params: Object.fromEntries(params.map((p, i) => [p.pointer, combo[i]])), spec };
  });
  return { ...(seed !== undefined && { seed }), trials };
}
