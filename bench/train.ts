// `pnpm bench train`: each recipe below trained by @trainyard/nn directly and by TensorFlow.js
// (wasm backend) from the same Keras layers, the same initial weights (the rival loads our
// freshly initialised model through toLayersModel), optimizer, batch size and data. Every run is
// its own process, so peak_rss_mb is that run's. One JSON line per run.
//   node scripts/bench.mjs train                 every recipe, both engines
//   RECIPES=fashion-mnist-cnn,digits-mlp ...      pick recipes
//   RIVAL=none ...                                skip TensorFlow.js
//   train.ts RECIPE                               one Trainyard run
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { modelFromJson, type Model } from '../packages/nn/src/index.js';
import { Tensor, engineInfo, setThreads } from '../packages/tensor/src/index.js';
import { loadBuiltin, type Dataset } from '../packages/data/src/index.js';
import { round } from './util.js';

/** One benchmark: a Keras Sequential layer list and how to train it, shared by both engines. */
export interface Recipe {
  name: string;
  dataset: string;
  /** Options for loadBuiltin: the classic tables are standardised (digits' default is raw 0..16). */
  options: Record<string, number>;
  /** Keras layer configs; the first carries batch_input_shape. */
  layers: object[];
  describe: string;
  learningRate: number;
  batchSize: number;
  epochs: number;
  /** Epochs the rival trains (default: `epochs`): TF.js takes ~6 minutes per CNN epoch, so its samples/s comes from fewer. */
  rivalEpochs?: number;
}

const dense = (units: number, activation: string, extra: object = {}): object => ({
  class_name: 'Dense',
  config: { units, activation, ...extra },
});

// Classic tables: relu MLPs with a softmax (classification) or linear (regression) head.
function mlp(
  dataset: string,
  features: number,
  hidden: number[],
  out: number,
  opts: { learningRate: number; batchSize: number; epochs: number },
): Recipe {
  const regression = out === 0;
  const layers = [
    ...hidden.map((units, i) => dense(units, 'relu', i === 0 ? { batch_input_shape: [null, features] } : {})),
    regression ? dense(1, 'linear') : dense(out, 'softmax'),
  ];
  return {
    name: `${dataset}-mlp`,
    dataset,
    options: { standardize: 1, seed: 0 },
    layers,
    describe: `Dense${hidden.join('-Dense')}-Dense${regression ? 1 : out}`,
    ...opts,
  };
}

export const RECIPES: Recipe[] = [
  mlp('iris', 4, [64, 64], 3, { learningRate: 1e-3, batchSize: 16, epochs: 100 }),
  mlp('wine', 13, [64, 64], 3, { learningRate: 1e-3, batchSize: 16, epochs: 60 }),
  mlp('breast-cancer', 30, [64, 64], 2, { learningRate: 1e-3, batchSize: 32, epochs: 50 }),
  mlp('digits', 64, [128, 64], 10, { learningRate: 1e-3, batchSize: 32, epochs: 40 }),
  // Boston's target is in $1000s; MSE loss on standardised features, reported as test MAE.
  mlp('boston-housing', 13, [64, 64], 0, { learningRate: 1e-3, batchSize: 16, epochs: 200 }),
  mlp('diabetes', 10, [64, 64], 0, { learningRate: 1e-3, batchSize: 16, epochs: 200 }),
  {
    // The Fashion-MNIST benchmark table's MLPClassifier (256-128-100, relu): 0.883 there.
    name: 'fashion-mnist-mlp',
    dataset: 'fashion-mnist',
    options: {},
    layers: [
      { class_name: 'Flatten', config: { batch_input_shape: [null, 28, 28] } },
      dense(256, 'relu'),
      dense(128, 'relu'),
      dense(100, 'relu'),
      dense(10, 'softmax'),
    ],
    describe: 'Flatten-Dense256-Dense128-Dense100-Dense10',
    learningRate: 1e-3,
    batchSize: 64,
    epochs: 12,
    // The rival's speed is steady after an epoch; three of its ~90 s epochs measure it.
    rivalEpochs: 3,
  },
  {
    // Two Conv2D + max-pooling blocks (the table's best 2-conv CNNs report ~0.916).
    name: 'fashion-mnist-cnn',
    dataset: 'fashion-mnist',
    options: {},
    layers: [
      { class_name: 'Reshape', config: { target_shape: [28, 28, 1], batch_input_shape: [null, 28, 28] } },
      { class_name: 'Conv2D', config: { filters: 32, kernel_size: 3, activation: 'relu' } },
      { class_name: 'MaxPooling2D', config: { pool_size: 2 } },
      { class_name: 'Conv2D', config: { filters: 64, kernel_size: 3, activation: 'relu' } },
      { class_name: 'MaxPooling2D', config: { pool_size: 2 } },
      { class_name: 'Flatten', config: {} },
      { class_name: 'Dropout', config: { rate: 0.3 } },
      dense(128, 'relu'),
      dense(10, 'softmax'),
    ],
    describe: 'Conv32-Pool-Conv64-Pool-Dropout0.3-Dense128-Dense10',
    learningRate: 1e-3,
    batchSize: 64,
    epochs: 10,
    rivalEpochs: 1,
  },
];

export function recipe(name: string | undefined): Recipe {
  const r = RECIPES.find((c) => c.name === name);
  if (!r) throw new Error(`unknown recipe ${name}; one of ${RECIPES.map((c) => c.name).join(', ')}`);
  return r;
}

export async function loadRecipeData(r: Recipe): Promise<Dataset & { test: NonNullable<Dataset['test']> }> {
  const data = await loadBuiltin(r.dataset, r.options, { fashionMnistDir: process.env.FASHION_MNIST_DIR });
  if (!data.test) throw new Error(`${r.dataset} has no test split`);
  return data as Dataset & { test: NonNullable<Dataset['test']> };
}

/** The recipe's model, compiled, with the seeded initial weights both engines start from. */
export function buildModel(r: Recipe, data: Dataset): Model {
  const model = modelFromJson(
    { class_name: 'Sequential', config: { name: r.name.replace(/-/g, '_'), layers: r.layers } },
    { seed: 1 },
  );
  const regression = data.classes === undefined;
  model.compile({
    optimizer: { class_name: 'Adam', config: { learning_rate: r.learningRate } },
    loss: regression ? 'mse' : 'sparse_categorical_crossentropy',
    metrics: [regression ? 'mae' : 'accuracy'],
  });
  return model;
}

async function runTrainyard(name: string): Promise<void> {
  const r = recipe(name);
  // THREADS=2: GEMM and convolution split across two threads (the rival has one: TF.js's wasm backend runs no threads in Node).
  setThreads(Number(process.env.THREADS ?? 1));
  const started = performance.now();
  const data = await loadRecipeData(r);
  const model = buildModel(r, data);
  let trainSeconds = 0;
  let epochStart = 0;
  await model.fit(new Tensor(data.x.data, data.x.shape), new Tensor(data.y.data, data.y.shape), {
    epochs: r.epochs,
    batchSize: r.batchSize,
    shuffle: true,
    seed: 1,
    callbacks: [
      {
        onEpochBegin: () => void (epochStart = performance.now()),
        onEpochEnd: () => void (trainSeconds += (performance.now() - epochStart) / 1000),
      },
    ],
  });
  const logs = model.evaluate(
    new Tensor(data.test.x.data, data.test.x.shape),
    new Tensor(data.test.y.data, data.test.y.shape),
    { batchSize: 1024 },
  );
  const metric = data.classes === undefined ? logs.mae : logs.accuracy;
  if (metric === undefined) throw new Error(`evaluate returned no metric: ${JSON.stringify(logs)}`);
  console.log(report(r, 'trainyard', data, r.epochs, metric, trainSeconds, started));
}

/** The JSON line both engines print. */
export function report(
  r: Recipe,
  engine: string,
  data: Dataset,
  epochs: number,
  testMetric: number,
  trainSeconds: number,
  started: number,
): string {
  const regression = data.classes === undefined;
  return JSON.stringify({
    bench: r.name,
    engine,
    model: r.describe,
    optimizer: `adam(${r.learningRate})`,
    batch_size: r.batchSize,
    epochs,
    samples_per_second: Math.round((data.x.shape[0] * epochs) / trainSeconds),
    test_metric: round(testMetric, 4),
    metric: regression ? 'mae' : 'accuracy',
    wall_seconds: round((performance.now() - started) / 1000, 1),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    ...(engine === 'trainyard' && { kernels: engineInfo().kernels, threads: engineInfo().threads }),
  });
}

function run(file: string, name: string): void {
  const r = spawnSync(process.execPath, ['--conditions=@trainyard/source', '--import', 'tsx', file, name], {
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exitCode = r.status ?? 1;
}

// tfjs-train.ts imports the recipes from here; only a direct run trains. At the bottom so the
// recipes above are initialised before the top-level await uses them.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const only = process.argv[2];
  if (only) {
    await runTrainyard(only);
  } else {
    const picked = process.env.RECIPES ? process.env.RECIPES.split(',') : RECIPES.map((r) => r.name);
    for (const name of picked) {
      run(fileURLToPath(import.meta.url), name);
      if (process.env.RIVAL !== 'none') run(fileURLToPath(new URL('./tfjs-train.ts', import.meta.url)), name);
    }
  }
}
