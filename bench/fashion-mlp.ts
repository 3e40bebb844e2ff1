// Fashion-MNIST MLP through the real service: POST the job, follow its SSE stream to the end,
// print one JSON line; then the same recipe in TensorFlow.js (wasm backend) in its own process,
// one more line. Uses TRAINYARD_URL when set; otherwise starts the api and one worker in this
// process on REDIS_URL under a throwaway key prefix. RIVAL=none skips TensorFlow.js.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readSse } from '../test/sse.js';
import { startStack } from '../test/stack.js';
import { round } from './util.js';

const EPOCHS = Number(process.env.EPOCHS || 5);

const spec = {
  model: {
    class_name: 'Sequential',
    config: {
      name: 'fashion_mlp',
      layers: [
        { class_name: 'Flatten', config: { name: 'flatten', batch_input_shape: [null, 28, 28] } },
        { class_name: 'Dense', config: { name: 'dense', units: 256, activation: 'relu' } },
        { class_name: 'Dense', config: { name: 'dense_1', units: 128, activation: 'relu' } },
        { class_name: 'Dense', config: { name: 'dense_2', units: 100, activation: 'relu' } },
        { class_name: 'Dense', config: { name: 'dense_3', units: 10, activation: 'softmax' } },
      ],
    },
  },
  compile: {
    optimizer: { class_name: 'Adam', config: { learning_rate: 0.001 } },
    loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy'],
  },
  fit: { epochs: EPOCHS, batch_size: 128, shuffle: true },
  dataset: { builtin: 'fashion-mnist' },
  seed: 1,
};

const stack = process.env.TRAINYARD_URL ? null : await startStack();
const base = process.env.TRAINYARD_URL ?? stack!.url;
const started = performance.now();
try {
  const res = await fetch(`${base}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spec),
  });
  const created = (await res.json()) as { id: string; links: { events: string } };
  if (res.status !== 201) throw new Error(`submit failed: ${res.status} ${JSON.stringify(created)}`);
  const { events } = await readSse(`${base}${created.links.events}`, { timeoutMs: 60 * 60 * 1000 });
  const last = events.at(-1)?.data as { type: string; metrics?: Record<string, number>; error?: unknown };
  if (last?.type !== 'completed') throw new Error(`job did not complete: ${JSON.stringify(last)}`);
  const epochs = events
    .filter((e) => e.event === 'epoch')
    .map((e) => e.data as { samples_per_second: number; seconds: number });
  const trainSeconds = epochs.reduce((s, e) => s + e.seconds, 0);
  const m = last.metrics!;
  console.log(
    JSON.stringify({
      bench: 'fashion-mnist-mlp',
      engine: 'trainyard',
      model: 'Flatten-Dense256-Dense128-Dense100-Dense10',
      optimizer: 'adam(1e-3)',
      batch_size: 128,
      epochs: epochs.length,
      test_accuracy: round(m.test_accuracy!, 4),
      test_loss: round(m.test_loss!, 4),
      train_accuracy: round(m.accuracy!, 4),
      wall_seconds: round((performance.now() - started) / 1000, 1),
      samples_per_second: Math.round((60000 * epochs.length) / trainSeconds),
      peak_rss_mb: stack ? Math.round(process.resourceUsage().maxRSS / 1024) : null,
    }),
  );
} finally {
  await stack?.close();
}

if (process.env.RIVAL !== 'none') {
  const rival = fileURLToPath(new URL('./tfjs-fashion-mlp.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--conditions=@trainyard/source', '--import', 'tsx', rival, 'wasm'], {
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exitCode = r.status ?? 1;
}
