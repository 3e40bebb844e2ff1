// The rival: the same MLP, optimizer, batch size, epochs and data in TensorFlow.js (wasm SIMD
// backend, one thread, as measured in toolchain.md). Run by fashion-mlp.ts in its own process so
// peak memory is its own. Prints one JSON line.
import * as tf from '@tensorflow/tfjs';
import { loadFashionMnist } from '../packages/data/src/index.js';
import { fitTimed, useBackend } from './tfjs.js';
import { round } from './util.js';

const EPOCHS = Number(process.env.EPOCHS || 5);
const backend = process.argv[2] === 'cpu' ? 'cpu' : 'wasm';
await useBackend(backend);

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
const { history, trainSeconds } = await fitTimed(model, x, y, { epochs: EPOCHS, batchSize: 128, shuffle: true });
const [testLoss, testAcc] = (model.evaluate(xt, yt, { batchSize: 1024 }) as tf.Scalar[]).map((t) => t.dataSync()[0]);
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
