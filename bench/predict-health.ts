// `node scripts/bench.mjs predict-health`: does predict leave the api's event loop alone?
//
// 1. Calibration: forward-pass GFLOPS of a few model shapes on one thread in this process
//    (FLOPs from @trainyard/nn's forwardFlops), the figure TRAINYARD_PREDICT_MAX_FLOPS is sized from.
// 2. Under load: the compiled api as a child process with a heavy model stored as a succeeded job
//    (issue 13's: a 2000×2000 `same` Conv2D kernel, 16M parameters, on 8×8 images), CLIENTS clients
//    predicting in a loop with the heaviest request the budget allows, while one more client polls
//    /healthz every POLL_MS; reports /healthz p50/p99/max and predictions/s. Once per value of
//    THREADS (TRAINYARD_PREDICT_THREADS; 0 is the event loop, as before the pool).
//    A first row with no clients is the host's own /healthz latency, for comparison (the host may
//    be busy with other work).
// Knobs (env): THREADS ('1,0'), CLIENTS (4), SECONDS (20), POLL_MS (10).
import { Redis } from 'ioredis';
import { DEFAULT_TENANT, modelBlobKey, type JobSpec } from '../packages/contracts/src/index.js';
import { forwardFlops, modelFromJson, toLayersModel } from '../packages/nn/src/index.js';
import { RedisBlobStore, endJob } from '../packages/store/src/index.js';
import { setThreads, tensor } from '../packages/tensor/src/index.js';
import { JobStore, newJobId } from '../services/api/src/job-store.js';
import { loadConfig } from '../services/api/src/config.js';
import { validJob } from '../services/api/src/test-utils/app.js';
import {
  Samples,
  benchPrefix,
  dropPrefix,
  markdownTable,
  percentiles,
  REDIS_URL,
  startApi,
  writeResult,
} from './lib/service.js';

const THREADS = (process.env.THREADS ?? '1,0').split(',').map(Number);
const CLIENTS = Number(process.env.CLIENTS ?? 4);
const SECONDS = Number(process.env.SECONDS ?? 20);
const POLL_MS = Number(process.env.POLL_MS ?? 10);
const MAX_FLOPS = loadConfig({}).predictMaxFlops;

const sequential = (name: string, inputShape: number[], layers: object[]) => ({
  class_name: 'Sequential',
  config: {
    name,
    layers: layers.map((l, i) =>
      i === 0 ? { ...l, config: { ...(l as { config: object }).config, batch_input_shape: [null, ...inputShape] } } : l,
    ),
  },
});
const conv = (name: string, filters: number, k: number, activation = 'relu') => ({
  class_name: 'Conv2D',
  config: { name, filters, kernel_size: [k, k], padding: 'same', activation },
});
const dense = (name: string, units: number, activation = 'relu') => ({
  class_name: 'Dense',
  config: { name, units, activation },
});
const flat = { class_name: 'Flatten', config: { name: 'flat' } };

const HEAVY = sequential('heavy', [8, 8, 1], [conv('huge', 4, 2000, 'linear'), flat, dense('out', 2, 'softmax')]);
const MODELS: [string, ReturnType<typeof sequential>, number[]][] = [
  [
    'MLP 784-2048-2048-10',
    sequential('mlp', [784], [dense('a', 2048), dense('b', 2048), dense('out', 10, 'softmax')]),
    [784],
  ],
  [
    'CNN 28×28 (32, 64 3×3)',
    sequential(
      'cnn',
      [28, 28, 1],
      [
        conv('c1', 32, 3),
        { class_name: 'MaxPooling2D', config: { name: 'p' } },
        conv('c2', 64, 3),
        flat,
        dense('out', 10, 'softmax'),
      ],
    ),
    [28, 28, 1],
  ],
  [
    'Conv 200×200 same on 16×16',
    sequential('wide', [16, 16, 1], [conv('c', 4, 200), flat, dense('out', 3, 'softmax')]),
    [16, 16, 1],
  ],
  ['Conv 2000×2000 same on 8×8 (issue 13)', HEAVY, [8, 8, 1]],
];

/** Forward GFLOPS of the heaviest request the budget allows for each model, one thread, as a predict thread runs it. */
function calibrate(): Record<string, string | number>[] {
  setThreads(1);
  return MODELS.map(([name, config, shape]) => {
    const perSample = forwardFlops(config).perSample;
    const samples = Math.max(1, Math.min(1000, Math.floor(MAX_FLOPS / perSample)));
    const model = modelFromJson(config, { seed: 1 });
    const per = shape.reduce((a, b) => a * b, 1);
    const x = tensor(
      Float32Array.from({ length: samples * per }, (_, i) => Math.sin(i)),
      [samples, ...shape],
    );
    model.predict(tensor(x.data.slice(0, per) as Float32Array, [1, ...shape]));
    const t0 = performance.now();
    model.predict(x, { batchSize: 256 });
    const seconds = (performance.now() - t0) / 1000;
    const flops = perSample * samples;
    return {
      model: name,
      'MFLOP/sample': +(perSample / 1e6).toFixed(1),
      samples,
      'GFLOP/request': +(flops / 1e9).toFixed(2),
      seconds: +seconds.toFixed(2),
      GFLOPS: +(flops / seconds / 1e9).toFixed(1),
    };
  });
}

/** A succeeded job whose stored model is `config`, written as the worker writes it. */
async function storeModel(redis: Redis, prefix: string, config: object): Promise<string> {
  const id = newJobId();
  await new JobStore(redis, prefix).create(DEFAULT_TENANT, id, validJob() as JobSpec);
  const { modelJson, weightsBin } = toLayersModel(modelFromJson(config, { seed: 1 }));
  const blobs = new RedisBlobStore(redis, prefix);
  await blobs.put(modelBlobKey(id, 'weights.bin'), weightsBin);
  await blobs.put(modelBlobKey(id, 'model.json'), Buffer.from(JSON.stringify(modelJson)));
  await endJob(redis, { prefix, tenant: DEFAULT_TENANT, id }, { type: 'completed', metrics: { loss: 0 }, seconds: 1 });
  return id;
}

async function underLoad(threads: number, clients: number, redis: Redis): Promise<Record<string, string | number>> {
  const prefix = benchPrefix('predict');
  const id = await storeModel(redis, prefix, HEAVY);
  const perSample = forwardFlops(HEAVY).perSample;
  const samples = Math.floor(MAX_FLOPS / perSample);
  const body = JSON.stringify({
    x: Array.from({ length: samples }, (_, s) =>
      Array.from({ length: 8 }, (_, r) => Array.from({ length: 8 }, (_, c) => [Math.sin(s + r * 8 + c)])),
    ),
  });
  // A generous time limit: the first pass grows the thread's WebAssembly memory by the 1 GB column
  // matrix of one 8×8 image under a 2000×2000 kernel, which takes a busy host many seconds.
  const api = await startApi(prefix, {
    TRAINYARD_PREDICT_THREADS: String(threads),
    TRAINYARD_PREDICT_TIMEOUT_MS: '120000',
  });
  try {
    const post = () =>
      fetch(`${api.url}/v1/jobs/${id}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      }).then(async (r) => ({ status: r.status, text: await r.text() }));
    // Warm-up: the first request loads the model (64 MB of weights) into a thread.
    const first = await post();
    if (first.status !== 200) throw new Error(`predict answered ${first.status}: ${first.text.slice(0, 300)}`);
    const end = performance.now() + SECONDS * 1000;
    const statuses = new Map<number, number>();
    let done = 0;
    const client = async () => {
      while (performance.now() < end) {
        const r = await post();
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status === 200) done++;
      }
    };
    const health = new Samples();
    const poller = async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const r = await fetch(`${api.url}/healthz`);
        await r.text();
        health.push(performance.now() - t0);
        await new Promise((res) => setTimeout(res, POLL_MS));
      }
    };
    const t0 = performance.now();
    await Promise.all([poller(), ...Array.from({ length: clients }, client)]);
    const seconds = (performance.now() - t0) / 1000;
    const p = percentiles(health.values());
    return {
      threads: threads === 0 ? '0 (event loop)' : threads,
      clients,
      'samples/request': samples,
      'predictions/s': +(done / seconds).toFixed(2),
      'GFLOPS served': +((done * samples * perSample) / seconds / 1e9).toFixed(1),
      'healthz polls': health.length,
      'healthz p50 ms': p.p50,
      'healthz p99 ms': p.p99,
      'healthz max ms': p.max,
      statuses: [...statuses].map(([s, n]) => `${s}×${n}`).join(' '),
      'rss peak MiB': api.rss().peak,
    };
  } finally {
    await api.stop();
    await dropPrefix(redis, prefix);
  }
}

const cal = calibrate();
console.log(
  `forward pass on one thread, the heaviest request under TRAINYARD_PREDICT_MAX_FLOPS=${MAX_FLOPS.toExponential(0)}:\n`,
);
console.log(markdownTable(cal));
const redis = new Redis(REDIS_URL);
const rows: Record<string, string | number>[] = [];
try {
  // The same api with nobody predicting: what /healthz costs on this host as it is now.
  rows.push(await underLoad(THREADS[0], 0, redis));
  for (const threads of THREADS) rows.push(await underLoad(threads, CLIENTS, redis));
} finally {
  redis.disconnect();
}
console.log(
  `\n${CLIENTS} clients predicting with the heaviest allowed request for ${SECONDS} s, /healthz polled every ${POLL_MS} ms:\n`,
);
console.log(markdownTable(rows));
console.log('\ntarget: /healthz p99 < 50 ms with the pool');
console.log(
  `results: ${writeResult('predict-health', { config: { threads: THREADS, clients: CLIENTS, seconds: SECONDS, poll_ms: POLL_MS, max_flops: MAX_FLOPS }, calibration: cal, load: rows })}`,
);
