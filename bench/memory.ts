// Heap after 100 and after 1,000 training steps of a 784-256-128-100-10 MLP (Adam, batch 128,
// random data) with @trainyard/nn: a flat heap means no step leaks tensors, graphs or buffers.
// Prints one JSON line. Run: pnpm bench memory
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { modelFromJson } from '../packages/nn/src/index.js';
import { Rng, Tensor } from '../packages/tensor/src/index.js';

const STEPS = 1000;
const BATCH = 128;
const SAMPLES = 100 * BATCH; // 100 steps per epoch, so 10 epochs make 1,000 steps

// `pnpm bench` starts node without --expose-gc; this turns it on at run time and fetches gc()
// from a fresh context, where V8 installs it once the flag is set.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

// Tensor values live in ArrayBuffers, outside the JS heap, so both are reported.
function measure(): { heap: number; buffers: number } {
  gc();
  gc(); // the second pass collects what the first one's finalizers released
  const m = process.memoryUsage();
  return { heap: mb(m.heapUsed), buffers: mb(m.arrayBuffers) };
}

const rng = new Rng(0);
const x = new Float32Array(SAMPLES * 784);
for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
const y = new Float32Array(SAMPLES);
for (let i = 0; i < SAMPLES; i++) y[i] = rng.int(0, 10);

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

let step = 0;
const at: Record<number, { heap: number; buffers: number }> = {};
const started = performance.now();
await model.fit(new Tensor(x, [SAMPLES, 784]), new Tensor(y, [SAMPLES]), {
  epochs: STEPS / (SAMPLES / BATCH),
  batchSize: BATCH,
  callbacks: [
    {
      onBatchEnd: () => {
        step++;
        if (step === 100 || step === STEPS) at[step] = measure();
      },
    },
  ],
});
if (step !== STEPS) throw new Error(`expected ${STEPS} steps, ran ${step}`);
console.log(
  JSON.stringify({
    bench: 'memory',
    engine: 'trainyard',
    model: 'Dense784-256-128-100-10',
    batch_size: BATCH,
    steps: STEPS,
    heap_mb_step_100: at[100].heap,
    heap_mb_step_1000: at[STEPS].heap,
    array_buffers_mb_step_100: at[100].buffers,
    array_buffers_mb_step_1000: at[STEPS].buffers,
    rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  }),
);
