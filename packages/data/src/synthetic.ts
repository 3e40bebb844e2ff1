import { Rng } from '@trainyard/tensor';
import { resolveOptions, type SyntheticName } from './builtins.js';
import { DataError } from './errors.js';
import { crumple, GAP } from './paper-ball.js';
import type { Dataset } from './types.js';

/** Options shared by the generators; each accepts the subset listed in BUILTINS, plus its extras. */
export interface SyntheticOptions {
  samples?: number;
  noise?: number;
  classes?: number;
  seed?: number;
  /** spirals: turns of each arm. */
  turns?: number;
  /** blobs: dimensions of each sample. */
  features?: number;
}

/** Samples in class order: features [n, dim] and one label per sample. */
interface Ordered {
  x: Float32Array;
  labels: Float32Array;
}

/** Class c gets ⌊n/K⌋ samples, plus one for the first n mod K classes. */
function classCounts(n: number, classes: number): number[] {
  return Array.from({ length: classes }, (_, c) => Math.floor(n / classes) + (c < n % classes ? 1 : 0));
}

/** Calls `point(c, j, m, out)` for the j-th of m samples of each class c, in class order. */
function fill(
  n: number,
  classes: number,
  dim: number,
  point: (c: number, j: number, m: number, out: number[]) => void,
): Ordered {
  const x = new Float32Array(n * dim);
  const labels = new Float32Array(n);
  const out = new Array<number>(dim).fill(0);
  let i = 0;
  classCounts(n, classes).forEach((m, c) => {
    for (let j = 0; j < m; j++, i++) {
      point(c, j, m, out);
      for (let d = 0; d < dim; d++) x[i * dim + d] = out[d];
      labels[i] = c;
    }
  });
  return { x, labels };
}

/** Shuffles the rows with a seeded permutation, so a validation split taken from the end is representative. */
function shuffled(name: string, { x, labels }: Ordered, dim: number, classes: number, rng: Rng): Dataset {
  const n = labels.length;
  const perm = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const sx = new Float32Array(n * dim);
  const sy = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const p = perm[i];
    sx.set(x.subarray(p * dim, p * dim + dim), i * dim);
    sy[i] = labels[p];
  }
  return { name, x: { data: sx, shape: [n, dim] }, y: { data: sy, shape: [n] }, classes };
}

// Every generator draws the same random numbers whatever `noise` is, and noise only scales
// standard normals: the same seed with twice the noise moves each point exactly twice as far.

function spirals(o: Record<string, number>, rng: Rng): Dataset {
  const { samples, noise, classes, turns } = o as Record<'samples' | 'noise' | 'classes' | 'turns', number>;
  const RADIUS = 2;
  const data = fill(samples, classes, 2, (c, _j, _m, out) => {
    // Radius grows linearly with the angle (Archimedean), so neighbouring arms stay a constant
    // RADIUS / (turns · classes) apart; starting at 5% of the radius keeps the crowded centre out.
    const t = 0.05 + 0.95 * rng.uniform();
    const angle = 2 * Math.PI * (turns * t + c / classes);
    out[0] = RADIUS * t * Math.cos(angle) + noise * rng.normal();
    out[1] = RADIUS * t * Math.sin(angle) + noise * rng.normal();
  });
  return shuffled('spirals', data, 2, classes, rng);
}

function xor(o: Record<string, number>, rng: Rng): Dataset {
  const data = fill(o.samples!, 2, 2, (c, _j, _m, out) => {
    // Pick one of the class's two quadrants, then a point inside it; (0, 1] keeps it off the axes.
    const sx = rng.uniform() < 0.5 ? -1 : 1;
    const sy = c === 0 ? sx : -sx;
    out[0] = sx * (1 - rng.uniform()) + o.noise! * rng.normal();
    out[1] = sy * (1 - rng.uniform()) + o.noise! * rng.normal();
  });
  return shuffled('xor', data, 2, 2, rng);
}

function moons(o: Record<string, number>, rng: Rng): Dataset {
  const data = fill(o.samples!, 2, 2, (c, j, m, out) => {
    // scikit-learn's make_moons: evenly spaced angles on each half circle, then Gaussian noise.
    const theta = m > 1 ? (Math.PI * j) / (m - 1) : 0;
    out[0] = (c === 0 ? Math.cos(theta) : 1 - Math.cos(theta)) + o.noise! * rng.normal();
    out[1] = (c === 0 ? Math.sin(theta) : 0.5 - Math.sin(theta)) + o.noise! * rng.normal();
  });
  return shuffled('moons', data, 2, 2, rng);
}

function blobs(o: Record<string, number>, rng: Rng): Dataset {
  const { samples, noise, classes, features } = o as Record<'samples' | 'noise' | 'classes' | 'features', number>;
  // scikit-learn's make_blobs defaults: centres uniform in [-10, 10], noise is the cluster std.
  const centers = Float64Array.from({ length: classes * features }, () => -10 + 20 * rng.uniform());
  const data = fill(samples, classes, features, (c, _j, _m, out) => {
    for (let d = 0; d < features; d++) out[d] = centers[c * features + d] + noise * rng.normal();
  });
  return shuffled('blobs', data, features, classes, rng);
}

function paperBall(o: Record<string, number>, rng: Rng): Dataset {
  const p: [number, number, number] = [0, 0, 0];
  const data = fill(o.samples!, 2, 3, (c, _j, _m, out) => {
    p[0] = 2 * rng.uniform() - 1;
    p[1] = 2 * rng.uniform() - 1;
    p[2] = c === 0 ? -GAP / 2 : GAP / 2;
    crumple(p);
    for (let d = 0; d < 3; d++) out[d] = p[d] + o.noise! * rng.normal();
  });
  return shuffled('paper-ball', data, 3, 2, rng);
}

const GENERATORS: Record<SyntheticName, (o: Record<string, number>, rng: Rng) => Dataset> = {
  spirals,
  xor,
  moons,
  blobs,
  'paper-ball': paperBall,
};

/** Generates a seeded synthetic dataset, e.g. `synthetic('spirals', { samples: 500, noise: 0.1, seed: 7 })`. */
export function synthetic(name: SyntheticName, options?: SyntheticOptions): Dataset {
  const generate = Object.hasOwn(GENERATORS, name) ? GENERATORS[name] : undefined;
  if (!generate) {
    throw new DataError(
      'DATASET_UNKNOWN_BUILTIN',
      `Unknown synthetic dataset "${String(name)}"; known: ${Object.keys(GENERATORS).join(', ')}`,
      { name },
    );
  }
  const resolved = resolveOptions(name, options as Record<string, unknown> | undefined);
  return generate(resolved, new Rng(resolved.seed!));
}
