// `pnpm bench train`: a small MLP on each classic dataset (iris, wine, breast cancer, digits,
// Boston housing, diabetes), trained by @trainyard/nn directly and by TensorFlow.js (wasm) with
// the same recipe (RECIPES below). Every run is its own process so peak_rss_mb is that run's.
// One JSON line per run. `train.ts DATASET` runs Trainyard on one dataset; RIVAL=none skips tfjs;
// DATASETS=iris,wine picks datasets.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { modelFromJson } from '../packages/nn/src/index.js';
import { Tensor } from '../packages/tensor/src/index.js';
import { loadBuiltin, type Dataset } from '../packages/data/src/index.js';
import { round } from './util.js';

function run(file: string, name: string): void {
  const r = spawnSync(process.execPath, ['--conditions=@trainyard/source', '--import', 'tsx', file, name], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = r.status ?? 1;
}

async function runTrainyard(name: string): Promise<void> {
  const r = recipe(name);
  const started = performance.now();
  const data = await loadRecipeData(r);
  const regression = data.classes === undefined;
  const dense = (units: number, activation: string, extra: object = {}): object => ({ class_name: 'Dense', config: { units, activation, ...extra } });
  const layers = [
    ...r.hidden.map((units, i) => dense(units, 'relu', i === 0 ? { batch_input_shape: [null, data.x.shape[1]] } : {})),
    regression ? dense(1, 'linear') : dense(data.classes!, 'softmax'),
  ];
  const model = modelFromJson({ class_name: 'Sequential', config: { layers } }, { seed: 1 });
  model.compile({
    optimizer: { class_name: 'Adam', config: { learning_rate: r.learningRate } },
    loss: regression ? 'mse' : 'sparse_categorical_crossentropy',
    metrics: [regression ? 'mae' : 'accuracy'],
  });
  let trainSeconds = 0;
  let epochStart = 0;
  await model.fit(new Tensor(data.x.data, data.x.shape), new Tensor(data.y.data, data.y.shape), {
    epochs: r.epochs,
    batchSize: r.batchSize,
    shuffle: true,
    seed: 1,
    callbacks: [{ onEpochBegin: () => void (epochStart = performance.now()), onEpochEnd: () => void (trainSeconds += (performance.now() - epochStart) / 1000) }],
  });
  const logs = model.evaluate(new Tensor(data.test.x.data, data.test.x.shape), new Tensor(data.test.y.data, data.test.y.shape));
  const metric = regression ? logs.mae : logs.accuracy;
  if (metric === undefined) throw new Error(`evaluate returned no ${regression ? 'mae' : 'accuracy'}: ${JSON.stringify(logs)}`);
  console.log(report(r, 'trainyard', data, metric, trainSeconds, started));
}

/** One run of both engines: same layers, optimizer, batch size, epochs and seeded data split. */
export interface Recipe {
  dataset: string;
  /** Hidden layer widths; each Dense is relu, the output softmax (classification) or linear. */
  hidden: number[];
  learningRate: number;
  batchSize: number;
  epochs: number;
  /** Options for loadBuiltin: every recipe standardises, digits included (its default is raw 0..16). */
  options: Record<string, number>;
}

export const RECIPES: Recipe[] = [
  { dataset: 'iris', hidden: [64, 64], learningRate: 1e-3, batchSize: 16, epochs: 100, options: { standardize: 1, seed: 0 } },
  { dataset: 'wine', hidden: [64, 64], learningRate: 1e-3, batchSize: 16, epochs: 60, options: { standardize: 1, seed: 0 } },
  { dataset: 'breast-cancer', hidden: [64, 64], learningRate: 1e-3, batchSize: 32, epochs: 50, options: { standardize: 1, seed: 0 } },
  { dataset: 'digits', hidden: [128, 64], learningRate: 1e-3, batchSize: 32, epochs: 40, options: { standardize: 1, seed: 0 } },
  // Boston's target is in $1000s; MSE loss on standardised features, reported as test MAE.
  { dataset: 'boston-housing', hidden: [64, 64], learningRate: 1e-3, batchSize: 16, epochs: 200, options: { standardize: 1, seed: 0 } },
  { dataset: 'diabetes', hidden: [64, 64], learningRate: 1e-3, batchSize: 16, epochs: 200, options: { standardize: 1, seed: 0 } },
];

export function recipe(name: string | undefined): Recipe {
  const r = RECIPES.find((c) => c.dataset === name);
  if (!r) throw new Error(`unknown dataset ${name}; one of ${RECIPES.map((c) => c.dataset).join(', ')}`);
  return r;
}

export async function loadRecipeData(r: Recipe): Promise<Dataset & { test: NonNullable<Dataset['test']> }> {
  const data = await loadBuiltin(r.dataset, r.options);
  if (!data.test) throw new Error(`${r.dataset} has no test split`);
  return data as Dataset & { test: NonNullable<Dataset['test']> };
}

/** The JSON line both engines print. */
export function report(r: Recipe, engine: string, data: Dataset, testMetric: number, trainSeconds: number, started: number): string {
  const regression = data.classes === undefined;
  return JSON.stringify({
    bench: `${r.dataset}-mlp`,
    engine,
    model: `Dense${r.hidden.join('-Dense')}-Dense${regression ? 1 : data.classes}`,
    optimizer: `adam(${r.learningRate})`,
    batch_size: r.batchSize,
    epochs: r.epochs,
    samples_per_second: Math.round((data.x.shape[0]! * r.epochs) / trainSeconds),
    test_metric: round(testMetric, 4),
    metric: regression ? 'mae' : 'accuracy',
    wall_seconds: round((performance.now() - started) / 1000, 1),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  });
}

// tfjs-train.ts imports the recipes from here; only a direct run trains. At the bottom so the
// recipes above are initialised before the top-level await uses them.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const only = process.argv[2];
  if (only) {
    await runTrainyard(only);
  } else {
    const picked = process.env.DATASETS ? process.env.DATASETS.split(',') : RECIPES.map((r) => r.dataset);
    for (const name of picked) {
      run(fileURLToPath(import.meta.url), name);
      if (process.env.RIVAL !== 'none') run(fileURLToPath(new URL('./tfjs-train.ts', import.meta.url)), name);
    }
  }
}
