// `node scripts/bench.mjs job-thread-start`: what a thread per training job costs. (1) A cold
// training thread: spawn to the compiled processor's modules loaded (our packages, ioredis, the
// WebAssembly kernels, whose compile V8 caches per process after the first), ROUNDS times. (2) A
// real worker (createTrainWorker, which keeps one spare thread loaded): JOBS tiny jobs submitted
// one after another, back to back and GAP_MS apart; for each, created_at → started_at on its record (queue pick-up, thread
// hand-over, the attempt's START) and the whole job. Prints medians and p90s and writes
// bench/results/job-thread-start.json. Knobs (env): ROUNDS (10), JOBS (20), GAP_MS (3000), BENCH_LOG (pino
// level of the worker: `debug` logs each job's Start → START time as startMs).
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { buildApp, loadConfig as loadApiConfig } from '../services/api/src/index.js';
import { createTrainWorker, loadConfig, PROCESSOR_PATH } from '../services/worker/src/index.js';
import { benchPrefix, dropPrefix, REDIS_URL, writeResult } from './lib/service.js';
import { round } from './util.js';

const ROUNDS = Number(process.env.ROUNDS ?? 10);
const JOBS = Number(process.env.JOBS ?? 20);

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const summary = (xs: number[]) => ({
  median_ms: round(quantile(xs, 0.5), 1),
  p90_ms: round(quantile(xs, 0.9), 1),
  n: xs.length,
});

// (1) Cold threads: the processor module registers its Start listener once loaded; the wrapper
// says when its import resolved.
const workerData = {
  redisUrl: REDIS_URL,
  prefix: '{unused}',
  fashionMnistDir: '/nonexistent',
  workerName: 'bench',
  threads: 1,
  memoryMb: 1024,
};
const cold: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const t0 = performance.now();
  const thread = new Worker(
    `import(${JSON.stringify(PROCESSOR_PATH)}).then(() => require('node:worker_threads').parentPort.postMessage('loaded'))`,
    {
      eval: true,
      workerData,
      execArgv: [],
    },
  );
  await new Promise((r) => thread.once('message', r));
  cold.push(performance.now() - t0);
  await thread.terminate();
}
// (2) A worker with its spare thread, one tiny job at a time.
const prefix = benchPrefix('thread-start');
const app = await buildApp({
  config: { ...loadApiConfig({ REDIS_URL }), prefix, rateLimitPerMinute: 0, maxActiveJobs: 0 },
});
const worker = createTrainWorker(
  { ...loadConfig({ REDIS_URL }), prefix, name: 'bench' },
  pino({ level: process.env.BENCH_LOG ?? 'silent' }),
);
await worker.ready;
const job = (seed: number) => ({
  model: {
    class_name: 'Sequential',
    config: {
      layers: [
        { class_name: 'Dense', config: { units: 16, activation: 'relu', batch_input_shape: [null, 2] } },
        { class_name: 'Dense', config: { units: 2, activation: 'softmax' } },
      ],
    },
  },
  compile: { optimizer: 'adam', loss: 'sparse_categorical_crossentropy' },
  fit: { epochs: 1, batch_size: 32 },
  dataset: { builtin: 'spirals', options: { samples: 64 } },
  seed,
});
// Back to back, the spare taken by one job is still loading when the next comes; with a pause
// of GAP_MS between jobs (as between real, longer jobs) it is ready.
const GAP_MS = Number(process.env.GAP_MS ?? 3000);
async function series(gapMs: number) {
  const toStart: number[] = [];
  const whole: number[] = [];
  for (let i = 0; i < JOBS; i++) {
    if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
    const res = await app.inject({ method: 'POST', url: '/v1/jobs', payload: job(i) });
    const { id } = res.json() as { id: string };
    let record: Record<string, string> = {};
    for (;;) {
      record = await app.redis.hgetall(`${prefix}:job:${id}`);
      if (record.finished_at) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    toStart.push(Date.parse(record.started_at!) - Date.parse(record.created_at!));
    whole.push(Date.parse(record.finished_at!) - Date.parse(record.created_at!));
  }
  return { queued_to_started: summary(toStart), queued_to_finished: summary(whole) };
}
const backToBack = await series(0);
const spaced = await series(GAP_MS);
await worker.close(5000);
await dropPrefix(app.redis, prefix);
await app.close();

const result = {
  cold_thread_start: summary(cold),
  tiny_jobs_back_to_back: backToBack,
  [`tiny_jobs_${GAP_MS}_ms_apart`]: spaced,
  peak_threads: worker.stats.peak,
};
console.log(JSON.stringify(result, null, 2));
console.log(`wrote ${writeResult('job-thread-start', result)}`);
