// `node scripts/bench.mjs worker-memory`: one worker process (the compiled worker, a child
// process) trains JOBS small real jobs in a row, submitted one at a time through the compiled
// api. After each job it samples the worker's RSS (/proc/<pid>/status VmRSS), the main thread's
// heap (from the worker's "job finished" log line; training threads show up in RSS only) and the
// per-job Redis connections still open. Prints a table and the RSS slope in MB per job over the
// last SLOPE_OVER jobs, and writes bench/results/worker-memory.json. A flat slope means no job
// leaves anything behind (threads, WASM memory, caches, connections).
// Knobs (env): JOBS (50), SLOPE_OVER (40), EPOCHS per job (25: about two seconds).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { benchPrefix, dropPrefix, markdownTable, REDIS_URL, ROOT, startApi, writeResult } from './lib/service.js';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const JOBS = env('JOBS', 50);
const SLOPE_OVER = Math.min(env('SLOPE_OVER', 40), JOBS);
const EPOCHS = env('EPOCHS', 25);

// UCI digits (1797 × 64, bundled): an MLP trains a few epochs in a couple of seconds.
const job = (seed: number) => ({
  model: {
    class_name: 'Sequential',
    config: {
      layers: [
        { class_name: 'Dense', config: { units: 64, activation: 'relu', batch_input_shape: [null, 64] } },
        { class_name: 'Dense', config: { units: 10, activation: 'softmax' } },
      ],
    },
  },
  compile: {
    optimizer: { class_name: 'Adam', config: { learning_rate: 0.005 } },
    loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy'],
  },
  fit: { epochs: EPOCHS, batch_size: 32, validation_split: 0.2 },
  dataset: { builtin: 'digits', options: { standardize: 1, seed: 0 } },
  seed,
});

interface Memory {
  rss: number;
  heap_used: number;
  external: number;
}

const prefix = benchPrefix('worker-mem');
const redis = new Redis(REDIS_URL);
const api = await startApi(prefix);
const worker = spawn(process.execPath, [join(ROOT, 'services/worker/dist/main.js')], {
  env: { ...process.env, REDIS_URL, TRAINYARD_PREFIX: prefix, WORKER_NAME: 'bench-worker', LOG_LEVEL: 'info' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
// jobId → the worker's memory when it logged the job finished.
const finished = new Map<string, Memory>();
let ready: () => void;
const isReady = new Promise<void>((r) => (ready = r));
let pending = '';
worker.stdout!.on('data', (d: Buffer) => {
  pending += d.toString();
  const lines = pending.split('\n');
  pending = lines.pop()!;
  for (const line of lines) {
    const entry = JSON.parse(line) as { msg?: string; jobId?: string; memory?: Memory };
    if (entry.msg === 'worker ready') ready();
    if (entry.msg === 'job finished' && entry.jobId && entry.memory) finished.set(entry.jobId, entry.memory);
  }
});
const rssMb = (): number =>
  Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${worker.pid}/status`, 'utf8'))?.[1] ?? 0) / 102.4) / 10;
const jobConnections = async (): Promise<number> =>
  ((await redis.client('LIST')) as string).split('\n').filter((l) => /\bname=trainyard-(job|ckpt|artifact)-/.test(l))
    .length;

async function runOne(i: number): Promise<Record<string, number | string>> {
  const t0 = performance.now();
  const res = await fetch(`${api.url}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(job(i)),
  });
  if (res.status !== 201) throw new Error(`submit failed: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  for (;;) {
    const memory = finished.get(id);
    if (memory) {
      // The thread closes its connections as it ends; give the server a moment to drop them.
      await new Promise((r) => setTimeout(r, 200));
      const view = (await (await fetch(`${api.url}/v1/jobs/${id}`)).json()) as {
        status: string;
        metrics?: Record<string, number>;
      };
      if (view.status !== 'succeeded') throw new Error(`job ${i} ended ${view.status}`);
      return {
        job: i,
        seconds: Math.round((performance.now() - t0) / 100) / 10,
        rss_mb: rssMb(),
        main_heap_mb: memory.heap_used,
        main_external_mb: memory.external,
        job_connections_open: await jobConnections(),
        val_accuracy: Math.round((view.metrics?.val_accuracy ?? NaN) * 1000) / 1000,
      };
    }
    if (worker.exitCode !== null) throw new Error('the worker exited');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

try {
  await isReady;
  const idle = rssMb();
  const rows: Record<string, number | string>[] = [];
  for (let i = 1; i <= JOBS; i++) {
    rows.push(await runOne(i));
    console.error(`job ${i}/${JOBS}: rss ${rows.at(-1)!.rss_mb} MB`);
  }
  const tail = rows.slice(-SLOPE_OVER);
  const perJob = (key: string) =>
    Math.round(
      slope(
        tail.map((r) => r.job as number),
        tail.map((r) => r[key] as number),
      ) * 1000,
    ) / 1000;
  const summary = {
    jobs: JOBS,
    idle_rss_mb: idle,
    first_job_rss_mb: rows[0].rss_mb,
    last_job_rss_mb: rows.at(-1)!.rss_mb,
    rss_mb_per_job: perJob('rss_mb'),
    main_heap_mb_per_job: perJob('main_heap_mb'),
    slope_over_last: SLOPE_OVER,
  };
  console.log(markdownTable(rows));
  console.log(
    `\nRSS idle ${idle} MB, after job 1 ${summary.first_job_rss_mb} MB, after job ${JOBS} ${summary.last_job_rss_mb} MB`,
  );
  console.log(
    `slope over the last ${SLOPE_OVER} jobs: RSS ${summary.rss_mb_per_job} MB/job, main-thread heap ${summary.main_heap_mb_per_job} MB/job`,
  );
  const file = writeResult('worker-memory', {
    config: { jobs: JOBS, epochs: EPOCHS, slope_over: SLOPE_OVER, job: 'digits Dense64-Dense10' },
    summary,
    rows,
  });
  console.log(`results: ${file}`);
} finally {
  worker.kill('SIGTERM');
  await new Promise((r) => worker.once('exit', r));
  await api.stop();
  await dropPrefix(redis, prefix);
  redis.disconnect();
}
