import { DataError } from './errors.js';

/** One numeric option of a built-in dataset, with its accepted range. */
export interface BuiltinOption {
  name: string;
  default: number;
  min: number;
  max: number;
  /** True when only whole numbers are accepted. */
  integer: boolean;
  description: string;
}

/** What the api can know about a built-in dataset without generating or reading it. */
export interface BuiltinInfo {
  name: string;
  /** synthetic: generated; installed: read from an OS package; bundled: files shipped in packages/data/datasets. */
  kind: 'synthetic' | 'installed' | 'bundled';
  /** regression datasets have float targets [N, 1] and `classes` 0. */
  task: 'classification' | 'regression';
  description: string;
  /** Shape of one sample with default options (blobs: [features]). */
  sampleShape: number[];
  /** Number of classes with default options; 0 for regression. */
  classes: number;
  /** Bundled only: rows in the shipped file; training gets samples − round(samples × test_split). */
  samples?: number;
  /** When every feature is an integer in [0, n] as loaded unstandardized (digits' counts): n. Absent: real-valued features. */
  maxIntegerFeature?: number;
  options: BuiltinOption[];
}

export type SyntheticName = 'spirals' | 'xor' | 'moons' | 'blobs' | 'paper-ball';

/** The same bound as @trainyard/contracts' SPEC_LIMITS.maxSyntheticSamples (no dependency on it here). */
export const MAX_SYNTHETIC_SAMPLES = 100_000;

const samples = (def = 1000): BuiltinOption => ({
  name: 'samples',
  default: def,
  min: 2,
  max: MAX_SYNTHETIC_SAMPLES,
  integer: true,
  description: 'Number of samples, split evenly between the classes',
});
const seed: BuiltinOption = {
  name: 'seed',
  default: 0,
  min: 0,
  max: 2 ** 32 - 1,
  integer: true,
  description: 'PRNG seed; the same seed gives identical data',
};
const noise = (def: number, max: number, description: string): BuiltinOption => ({
  name: 'noise',
  default: def,
  min: 0,
  max,
  integer: false,
  description,
});

const testSplit: BuiltinOption = {
  name: 'test_split',
  default: 0.2,
  min: 0,
  max: 0.5,
  integer: false,
  description: 'Fraction of the samples held out as the test split',
};
const standardize = (def: number): BuiltinOption => ({
  name: 'standardize',
  default: def,
  min: 0,
  max: 1,
  integer: true,
  description: '1 to z-score every feature with the mean and std of the training split only',
});
const classic = (
  name: string,
  task: BuiltinInfo['task'],
  samples: number,
  features: number,
  classes: number,
  description: string,
  std = 1,
): BuiltinInfo => ({
  name,
  kind: 'bundled',
  task,
  description,
  sampleShape: [features],
  classes,
  samples,
  options: [testSplit, standardize(std), { ...seed, description: 'Seed of the shuffle that picks the test split' }],
});

/** The scikit-learn toy datasets shipped in packages/data/datasets (see its LICENSES.md). */
const CLASSIC_BUILTINS: BuiltinInfo[] = [
  classic('iris', 'classification', 150, 4, 3, "Fisher's iris: 150 flowers, 4 measurements in cm, 3 species"),
  classic(
    'wine',
    'classification',
    178,
    13,
    3,
    'UCI wine recognition: 178 wines, 13 chemical measurements, 3 cultivars',
  ),
  classic(
    'breast-cancer',
    'classification',
    569,
    30,
    2,
    'Breast cancer Wisconsin (diagnostic): 569 tumours, 30 features, malignant (0) or benign (1)',
  ),
  {
    ...classic(
      'digits',
      'classification',
      1797,
      64,
      10,
      'UCI optical handwritten digits: 1797 8×8 images flattened to 64 counts in 0..16, 10 classes',
      0,
    ),
    maxIntegerFeature: 16,
  },
  classic(
    'boston-housing',
    'regression',
    506,
    13,
    0,
    'Boston housing: 506 tracts, 13 features, target median home value in $1000s',
  ),
  classic(
    'diabetes',
    'regression',
    442,
    10,
    0,
    'Diabetes (Efron et al. 2004): 442 patients, 10 raw baseline variables, target disease progression after one year',
  ),
];

/** Every built-in dataset, in the order the docs list them. */
export const BUILTINS: readonly BuiltinInfo[] = Object.freeze([
  {
    name: 'spirals',
    kind: 'synthetic',
    task: 'classification',
    description: 'Interleaved Archimedean spiral arms in 2-D, one per class: not linearly separable',
    sampleShape: [2],
    classes: 2,
    options: [
      samples(),
      noise(0.1, 1, 'Standard deviation of the Gaussian jitter added to each coordinate (arms end at radius 2)'),
      { name: 'classes', default: 2, min: 2, max: 10, integer: true, description: 'Number of arms' },
      {
        name: 'turns',
        default: 1.25,
        min: 0.25,
        max: 4,
        integer: false,
        description: 'How many times each arm winds around the centre',
      },
      seed,
    ],
  },
  {
    name: 'xor',
    kind: 'synthetic',
    task: 'classification',
    description: 'Points in [-1, 1]²; class 1 where x and y have opposite signs',
    sampleShape: [2],
    classes: 2,
    options: [
      samples(),
      noise(0.05, 1, 'Gaussian jitter added after labelling, so points near the axes may cross'),
      seed,
    ],
  },
  {
    name: 'moons',
    kind: 'synthetic',
    task: 'classification',
    description: "Two interleaving half circles, as scikit-learn's make_moons",
    sampleShape: [2],
    classes: 2,
    options: [samples(), noise(0.1, 1, 'Standard deviation of the Gaussian noise added to each coordinate'), seed],
  },
  {
    name: 'blobs',
    kind: 'synthetic',
    task: 'classification',
    description: "Gaussian clusters around seeded centres in [-10, 10]^features, as scikit-learn's make_blobs",
    sampleShape: [2],
    classes: 3,
    options: [
      samples(),
      noise(1, 10, 'Standard deviation of each cluster'),
      { name: 'classes', default: 3, min: 2, max: 100, integer: true, description: 'Number of clusters' },
      { name: 'features', default: 2, min: 1, max: 64, integer: true, description: 'Dimensions of each sample' },
      seed,
    ],
  },
  {
    name: 'paper-ball',
    kind: 'synthetic',
    task: 'classification',
    description:
      'Two parallel sheets crumpled together in 3-D by one smooth invertible map: they interpenetrate but never touch',
    sampleShape: [3],
    classes: 2,
    options: [samples(), noise(0, 1, 'Gaussian jitter added after crumpling (the sheets start 0.3 apart)'), seed],
  },
  {
    name: 'fashion-mnist',
    kind: 'installed',
    task: 'classification',
    description:
      "Zalando's 28×28 grey clothing images: 60,000 to train, 10,000 to test, 10 classes (apt-get install dataset-fashion-mnist)",
    sampleShape: [28, 28],
    classes: 10,
    options: [],
  },
  ...CLASSIC_BUILTINS,
] satisfies BuiltinInfo[]);

/** The built-in's description, or DATASET_UNKNOWN_BUILTIN listing the known names. */
export function builtinInfo(name: string): BuiltinInfo {
  const info = BUILTINS.find((b) => b.name === name);
  if (!info) {
    throw new DataError(
      'DATASET_UNKNOWN_BUILTIN',
      `Unknown built-in dataset "${name}"; known: ${BUILTINS.map((b) => b.name).join(', ')}`,
      {
        name,
        known: BUILTINS.map((b) => b.name),
      },
    );
  }
  return info;
}

function invalid(name: string, option: string, message: string, value: unknown): DataError {
  return new DataError('DATASET_INVALID_OPTION', `Option "${option}" of built-in dataset "${name}" ${message}`, {
    name,
    option,
    value,
  });
}

/**
 * Checks a built-in's options and fills in defaults, e.g. `resolveOptions('spirals', { samples: 200 })`
 * → `{ samples: 200, noise: 0.1, classes: 2, turns: 1.25, seed: 0 }`.
 */
export function resolveOptions(name: string, options?: Record<string, unknown>): Record<string, number> {
  const info = builtinInfo(name);
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw new DataError('DATASET_INVALID_OPTION', `Options of built-in dataset "${name}" must be an object`, { name });
  }
  const given = options ?? {};
  const known = new Set(info.options.map((o) => o.name));
  for (const key of Object.keys(given)) {
    if (!known.has(key)) {
      const accepted = info.options.length ? `accepted: ${[...known].join(', ')}` : 'it takes no options';
      throw invalid(name, key, `is unknown; ${accepted}`, given[key]);
    }
  }
  const out: Record<string, number> = {};
  for (const o of info.options) {
    const v = given[o.name];
    if (v === undefined) {
      out[o.name] = o.default;
      continue;
    }
    const range = `${o.integer ? 'an integer' : 'a number'} from ${o.min} to ${o.max}`;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < o.min || v > o.max || (o.integer && !Number.isInteger(v))) {
      throw invalid(name, o.name, `must be ${range}, got ${JSON.stringify(v) ?? String(v)}`, v);
    }
    out[o.name] = v;
  }
  // An empty class would make "balanced" meaningless and break class-count checks downstream.
  if (out.classes !== undefined && out.samples !== undefined && out.samples < out.classes) {
    throw invalid(
      name,
      'samples',
      `must be at least the number of classes (${out.classes}), got ${out.samples}`,
      out.samples,
    );
  }
  return out;
}

/** Validates a built-in's name and options without generating anything (the api calls it before enqueuing). */
export function validateBuiltinOptions(name: string, options?: Record<string, unknown>): void {
  resolveOptions(name, options);
}
