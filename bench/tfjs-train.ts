// The rival of train.ts: one recipe in TensorFlow.js (wasm backend), in its own process so peak
// memory is its own. The model is ours, freshly initialised and exported with toLayersModel, so
// both engines start from the same weights. Usage: tfjs-train.ts RECIPE. Prints one JSON line.
import * as tf from '@tensorflow/tfjs';
import { toLayersModel } from '../packages/nn/src/index.js';
import { fitTimed, useBackend } from './tfjs.js';
import { buildModel, loadRecipeData, recipe, report } from './train.js';

await useBackend('wasm');

const r = recipe(process.argv[2]);
const started = performance.now();
const data = await loadRecipeData(r);
const regression = data.classes === undefined;
const asTensor = (t: { data: Float32Array; shape: readonly number[] }): tf.Tensor => tf.tensor(t.data, [...t.shape]);

const { modelJson, weightsBin } = toLayersModel(buildModel(r, data));
const weightData = weightsBin.buffer.slice(
  weightsBin.byteOffset,
  weightsBin.byteOffset + weightsBin.byteLength,
) as ArrayBuffer;
const model = await tf.loadLayersModel(
  tf.io.fromMemory({
    modelTopology: modelJson.modelTopology,
    weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
    weightData,
  }),
);
model.compile({
  optimizer: tf.train.adam(r.learningRate),
  loss: regression ? 'meanSquaredError' : 'sparseCategoricalCrossentropy',
  metrics: [regression ? 'mae' : 'accuracy'],
});

const epochs = r.rivalEpochs ?? r.epochs;
const { trainSeconds } = await fitTimed(model, asTensor(data.x), asTensor(data.y), {
  epochs,
  batchSize: r.batchSize,
  shuffle: true,
});
const [, metric] = (
  model.evaluate(asTensor(data.test.x), asTensor(data.test.y), { batchSize: 1024 }) as tf.Scalar[]
).map((t) => t.dataSync()[0]);
console.log(report(r, 'tfjs-wasm', data, epochs, metric!, trainSeconds, started));
