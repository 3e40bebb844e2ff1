// The rival: the same MLP, optimizer, batch size, epochs and data in TensorFlow.js (wasm SIMD
// backend, one thread, as measured in toolchain.md). Run by fashion-mlp.ts in its own process so
// peak memory is its own. Prints one JSON line.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadFashionMnist } from '../packages/data/src/index.js';

const EPOCHS = Number(process.env.EPOCHS || 5);
const backend = process.argv[2] === 'cpu' ? 'cpu' : 'wasm';
if (backend === 'wasm') {
  const require = createRequire(import.meta.url);
  setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
}
await tf.setBackend(backend);
await tf.ready();

const data = await loadFashionMnist(process.env.FASHION_MNIST_DIR);
const x = tf.tensor3d(data.x.data, data.x.shape as [number, number, number]);
const y = tf.tensor1d(data.y.data);
const xt = tf.tensor3d(data.test!.x.data, data.test!.x.shape as [number, number, number]);
const yt = tf.tensor1d(data.test!.y.data);

const model = tf.sequential({
  layers: [
    tf.layers.flatten({ inputShape: [28, 28] }),
    tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: 'glorotUniform' }),
    tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: 'glorotUniform' }),
    tf.layers.dense({ units: 100, activation: 'relu', kernelInitializer: 'glorotUniform' }),
    tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: 'glorotUniform' }),
  ],
});
model.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });

const started = performance.now();
let trainSeconds = 0;
let epochStart = 0;
const history = await model.fit(x, y, {
  epochs: EPOCHS,
  batchSize: 128,
  shuffle: true,
  verbose: 0,
  callbacks: {
    onEpochBegin: async () => {
      epochStart = performance.now();
    },
    onEpochEnd: async () => {
      trainSeconds += (performance.now() - epochStart) / 1000;
    },
  },
});
const [testLoss, testAcc] = (model.evaluate(xt, yt, { batchSize: 1024 }) as tf.Scalar[]).map((t) => t.dataSync()[0]!);
const trainAcc = history.history.acc ?? history.history.accuracy;
console.log(
  JSON.stringify({
    bench: 'fashion-mnist-mlp',
    engine: `tfjs-${backend}`,
    model: 'Flatten-Dense256-Dense128-Dense100-Dense10',
    optimizer: 'adam(1e-3)',
    batch_size: 128,
    epochs: EPOCHS,
    test_accuracy: round(testAcc, 4),
    test_loss: round(testLoss, 4),
    train_accuracy: round(Number(trainAcc?.at(-1)), 4),
    wall_seconds: round((performance.now() - started) / 1000, 1),
    samples_per_second: Math.round((60000 * EPOCHS) / trainSeconds),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);

function round(v: number, d: number): number {
  return Math.round(v * 10 ** d) / 10 ** d;
}
