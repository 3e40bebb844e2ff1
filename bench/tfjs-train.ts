// The rival of train.ts: one recipe of train.ts in TensorFlow.js (wasm backend), in its
// own process so peak memory is its own. Usage: tfjs-train.ts DATASET. Prints one JSON line.
import * as tf from '@tensorflow/tfjs';
import { fitTimed, useBackend } from './tfjs.js';
import { loadRecipeData, recipe, report } from './train.js';

await useBackend('wasm');

const r = recipe(process.argv[2]);
const started = performance.now();
const data = await loadRecipeData(r);
const regression = data.classes === undefined;
const features = data.x.shape[1]!;
const x = tf.tensor2d(data.x.data, [data.x.shape[0]!, features]);
const y = regression ? tf.tensor2d(data.y.data, data.y.shape as [number, number]) : tf.tensor1d(data.y.data);
const xt = tf.tensor2d(data.test.x.data, [data.test.x.shape[0]!, features]);
const yt = regression ? tf.tensor2d(data.test.y.data, data.test.y.shape as [number, number]) : tf.tensor1d(data.test.y.data);

const model = tf.sequential();
r.hidden.forEach((units, i) => model.add(tf.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [features] } : {}) })));
model.add(tf.layers.dense({ units: regression ? 1 : data.classes!, activation: regression ? 'linear' : 'softmax' }));
model.compile({
  optimizer: tf.train.adam(r.learningRate),
  loss: regression ? 'meanSquaredError' : 'sparseCategoricalCrossentropy',
  metrics: [regression ? 'mae' : 'accuracy'],
});

const { trainSeconds } = await fitTimed(model, x, y, { epochs: r.epochs, batchSize: r.batchSize, shuffle: true });
const [, metric] = (model.evaluate(xt, yt, { batchSize: 1024 }) as tf.Scalar[]).map((t) => t.dataSync()[0]!);
console.log(report(r, 'tfjs-wasm', data, metric!, trainSeconds, started));
