// `pnpm bench estimate`: the api's resource estimate (checkJob → estimateTraining) against the
// measured peak memory of the same job trained by the worker's own train() — dataset loading,
// fit with validation, the epoch-end checkpoint, the test-split evaluation. Each job runs in its
// own process: after the imports and a full GC the kernel's peak-RSS mark is reset
// (/proc/self/clear_refs), so the peak is the job's alone. Prints one JSON line per job and a
// markdown table; the estimate should be within 25% of the measured peak. Jobs whose tensors are
// small next to the engine's own working set vary by ±30% from run to run (when V8 grows its young
// generation, when the collector frees dead typed arrays), so those run three times and the median
// counts.
//   node scripts/bench.mjs estimate            every job
//   JOBS=fashion-mnist-cnn,digits-lstm ...      pick jobs
//   estimate.ts JOB                             one run (JSON line; DIAG=1 adds V8's heap spaces on stderr)
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { JobSpec } from '../packages/contracts/src/index.js';
import { setThreads } from '../packages/tensor/src/index.js';
import { checkJob } from '../services/api/src/validate-job.js';
import { loadDataset } from '../services/worker/src/dataset.js';
import { train } from '../services/worker/src/train.js';
import { markdownTable } from './lib/service.js';
import { recipe } from './train.js';

const dense = (units: number, activation: string, extra: object = {}): object => ({
  class_name: 'Dense',
  config: { units, activation, ...extra },
});
const sequential = (layers: object[]): JobSpec['model'] =>
  ({ class_name: 'Sequential', config: { layers } }) as JobSpec['model'];
const adam = { class_name: 'Adam', config: { learning_rate: 1e-3 } };
const classify = (metrics: unknown[] = ['accuracy']) =>
  ({ optimizer: adam, loss: 'sparse_categorical_crossentropy', metrics }) as JobSpec['compile'];

/** A bench/train.ts recipe as the job the api would get: its layers, Adam, its batch size; `fit` as given. */
function recipeJob(name: string, fit: JobSpec['fit']): [string, JobSpec] {
  const r = recipe(name);
  const regression = (r.layers.at(-1) as { config: { units: number } }).config.units === 1;
  const compile = {
    optimizer: { class_name: 'Adam', config: { learning_rate: r.learningRate } },
    loss: regression ? 'mse' : 'sparse_categorical_crossentropy',
    metrics: [regression ? 'mae' : 'accuracy'],
  };
  const dataset =
    Object.keys(r.options).length > 0 ? { builtin: r.dataset, options: r.options } : { builtin: r.dataset };
  return [
    name,
    { model: sequential(r.layers), compile, fit: { batch_size: r.batchSize, ...fit }, dataset, seed: 1 } as JobSpec,
  ];
}
const classic = (dataset: string): [string, JobSpec] =>
  recipeJob(`${dataset}-mlp`, { epochs: recipe(`${dataset}-mlp`).epochs, validation_split: 0.2 });

/** The bench/train.ts recipes (Fashion-MNIST with fewer epochs: its peak comes in the first), an LSTM, AUC state and issue 13's Dense 4400 at a quarter of its width. */
const JOBS: [string, JobSpec][] = [
  classic('iris'),
  classic('wine'),
  classic('breast-cancer'),
  classic('digits'),
  classic('boston-housing'),
  classic('diabetes'),
  // Fashion-MNIST with fewer epochs: its peak comes in the first.
  recipeJob('fashion-mnist-mlp', { epochs: 2, validation_split: 0.1 }),
  recipeJob('fashion-mnist-cnn', { epochs: 1 }),
  [
    // Digits' 8×8 images read row by row: 8 steps of 8 features.
    'digits-lstm',
    {
      model: sequential([
        { class_name: 'Reshape', config: { target_shape: [8, 8], batch_input_shape: [null, 64] } },
        { class_name: 'LSTM', config: { units: 64 } },
        dense(10, 'softmax'),
      ]),
      compile: classify(),
      fit: { epochs: 5, batch_size: 32, validation_split: 0.2 },
      dataset: { builtin: 'digits', options: { standardize: 1, seed: 0 } },
      seed: 1,
    } as JobSpec,
  ],
  [
    // Wider and in larger batches, so the per-step gate tensors outweigh the engine's own working set.
    'digits-lstm-256',
    {
      model: sequential([
        { class_name: 'Reshape', config: { target_shape: [8, 8], batch_input_shape: [null, 64] } },
        { class_name: 'LSTM', config: { units: 256 } },
        dense(10, 'softmax'),
      ]),
      compile: classify(),
      fit: { epochs: 2, batch_size: 512, validation_split: 0.2 },
      dataset: { builtin: 'digits', options: { standardize: 1, seed: 0 } },
      seed: 1,
    } as JobSpec,
  ],
  [
    // BatchNormalization and Dropout between wide Dense layers, momentum SGD, large batches.
    'fashion-mnist-bn-mlp',
    {
      model: sequential([
        { class_name: 'Flatten', config: { batch_input_shape: [null, 28, 28] } },
        dense(1024, 'relu'),
        { class_name: 'BatchNormalization', config: {} },
        { class_name: 'Dropout', config: { rate: 0.2 } },
        dense(512, 'relu'),
        { class_name: 'BatchNormalization', config: {} },
        dense(10, 'softmax'),
      ]),
      compile: {
        optimizer: { class_name: 'SGD', config: { learning_rate: 0.05, momentum: 0.9 } },
        loss: 'sparse_categorical_crossentropy',
        metrics: ['accuracy'],
      } as JobSpec['compile'],
      fit: { epochs: 1, batch_size: 2048 },
      dataset: { builtin: 'fashion-mnist' },
      seed: 1,
    } as JobSpec,
  ],
  [
    'breast-cancer-auc',
    {
      ...classic('breast-cancer')[1],
      compile: classify(['accuracy', { class_name: 'AUC', config: { num_thresholds: 10_000 } }]),
    } as JobSpec,
  ],
  [
    // Issue 13's activation bomb (Dense 4400 → 4400, batch 65536, 100,000 spirals) at a quarter of
    // the width, batch and samples: the same shape of cost, 1/64 of the activations.
    'spirals-dense-1100',
    {
      model: sequential([
        dense(1100, 'relu', { batch_input_shape: [null, 2] }),
        dense(1100, 'relu'),
        dense(2, 'softmax'),
      ]),
      compile: classify(),
      fit: { epochs: 1, batch_size: 16384 },
      dataset: { builtin: 'spirals', options: { samples: 25_000 } },
      seed: 1,
    } as JobSpec,
  ],
];

const MB = 2 ** 20;
const kib = (field: string): number =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) * 1024;

async function runOne(name: string): Promise<void> {
  const spec = JOBS.find(([n]) => n === name)?.[1];
  if (!spec) throw new Error(`unknown job ${name}; one of ${JOBS.map(([n]) => n).join(', ')}`);
  setThreads(1);
  // The bench's jobs train on built-in data, which needs no lookup.
  const { estimate } = checkJob(spec, null, {
    maxParams: Number.MAX_SAFE_INTEGER,
    maxEpochSamples: Number.MAX_SAFE_INTEGER,
  });
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  // From here the kernel's high-water mark counts this job only.
  writeFileSync('/proc/self/clear_refs', '5');
  const baseline = kib('VmRSS');
  const started = performance.now();
  const data = await loadDataset(spec.dataset, {
    fashionMnistDir: process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist',
  });
  const result = await train(spec, data, async () => undefined, undefined, { onCheckpoint: async () => undefined });
  const peak = kib('VmHWM') - baseline;
  if (process.env.DIAG === '1') {
    const { getHeapStatistics, getHeapSpaceStatistics } = await import('node:v8');
    console.error(
      JSON.stringify({
        mu: process.memoryUsage(),
        baseline,
        spaces: getHeapSpaceStatistics().map((s) => [s.space_name, Math.round(s.space_size / MB)]),
        total: getHeapStatistics().total_physical_size / MB,
      }),
    );
  }
  const b = estimate.bytes;
  console.log(
    JSON.stringify({
      bench: 'estimate',
      job: name,
      params: estimate.params,
      batch_size: spec.fit.batch_size,
      estimate_mb: Math.round(estimate.memoryBytes / MB),
      measured_peak_mb: Math.round(peak / MB),
      ratio: Math.round((estimate.memoryBytes / peak) * 100) / 100,
      parts_mb: Object.fromEntries(Object.entries(b).map(([k, v]) => [k, Math.round((v / MB) * 10) / 10])),
      loss: Math.round((result.metrics.loss ?? NaN) * 1e4) / 1e4,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    }),
  );
}

interface Run {
  params: number;
  batch_size: number;
  estimate_mb: number;
  measured_peak_mb: number;
  parts_mb: Record<string, number>;
}

// Jobs whose tensors dominate the peak (and that take minutes) run once.
const SINGLE_RUN = new Set([
  'fashion-mnist-mlp',
  'fashion-mnist-cnn',
  'fashion-mnist-bn-mlp',
  'digits-lstm-256',
  'spirals-dense-1100',
]);

if (process.argv[2]) {
  await runOne(process.argv[2]);
} else {
  const picked = process.env.JOBS ? process.env.JOBS.split(',') : JOBS.map(([n]) => n);
  const rows: Record<string, string | number>[] = [];
  for (const name of picked) {
    const runs: Run[] = [];
    for (let i = 0; i < (SINGLE_RUN.has(name) ? 1 : 3); i++) {
      const r = spawnSync(
        process.execPath,
        ['--conditions=@trainyard/source', '--import', 'tsx', fileURLToPath(import.meta.url), name],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const line = r.stdout.trim().split('\n').pop() ?? '';
      if (r.status !== 0 || !line.startsWith('{')) {
        console.error(`${name}: exit ${r.status}\n${r.stdout}`);
        process.exitCode = 1;
        break;
      }
      console.log(line);
      runs.push(JSON.parse(line) as Run);
    }
    if (runs.length === 0) continue;
    const peaks = runs.map((r) => r.measured_peak_mb).sort((a, b) => a - b);
    const median = peaks[Math.floor(peaks.length / 2)];
    const j = runs[0];
    rows.push({
      job: name,
      params: j.params,
      batch: j.batch_size,
      'estimate MB': j.estimate_mb,
      'measured peak MB': peaks.length > 1 ? `${median} (${peaks.join(', ')})` : median,
      'estimate / measured': Math.round((j.estimate_mb / median) * 100) / 100,
      'largest parts of the estimate (MB)': Object.entries(j.parts_mb)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    });
  }
  console.log(markdownTable(rows));
  const off = rows.filter((r) => Math.abs((r['estimate / measured'] as number) - 1) > 0.25);
  console.log(
    off.length === 0
      ? 'every estimate within 25% of the measured peak'
      : `outside 25%: ${off.map((r) => r.job).join(', ')}`,
  );
}
