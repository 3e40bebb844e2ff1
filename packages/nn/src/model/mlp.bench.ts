// Times one epoch of a 784-256-128-100-10 MLP (Adam, batch 128) on 60,000 random samples.
// Run: node --conditions=@trainyard/source --import tsx packages/nn/src/model/mlp.bench.ts [epochs]
import { Rng, Tensor } from '@trainyard/tensor';
import { modelFromJson } from './model.js';

const N = 60_000;
const epochs = Number(process.argv[2] ?? 1);
const rng = new Rng(0);
const x = new Float32Array(N * 784);
for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
const y = new Float32Array(N);
for (let i = 0; i < N; i++) y[i] = rng.int(0, 10);

const dense = (units: number, activation: string, extra: object = {}): object => ({
  class_name: 'Dense',
  config: { units, activation, ...extra },
});
const model = modelFromJson(
  {
    class_name: 'Sequential',
    config: {
      layers: [
        dense(256, 'relu', { batch_input_shape: [null, 784] }),
        dense(128, 'relu'),
        dense(100, 'relu'),
        dense(10, 'softmax'),
      ],
    },
  },
  { seed: 1 },
);
model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
let t = performance.now();
await model.fit(new Tensor(x, [N, 784]), new Tensor(y, [N]), {
  epochs,
  batchSize: 128,
  callbacks: [
    {
      onEpochEnd: (epoch, logs) => {
        const now = performance.now();
        const s = (now - t) / 1000;
        const rss = process.memoryUsage().rss / 2 ** 20;
        console.log(
          `epoch ${epoch}: ${s.toFixed(1)} s, ${(N / s).toFixed(0)} samples/s, loss ${logs.loss.toFixed(4)}, rss ${rss.toFixed(0)} MB`,
        );
        t = now;
      },
    },
  ],
});
