// `node scripts/bench.mjs submit`: job submission throughput. The compiled api runs as a child
// process with no worker on its queue (jobs only pile up), no API keys, and the guards on with limits no run reaches;
// CONCURRENCY keep-alive connections POST a small valid job back to back for SECONDS, after a
// short warm-up. Every answer but 201 is an error (the first one is printed).
// Knobs (env): CONCURRENCY (32), SECONDS (10), WARMUP_SECONDS (2), API_NODE_ARGS (e.g.
// '--cpu-prof --cpu-prof-dir=/tmp/prof' to see where the api spends its time).
import http from 'node:http';
import { Redis } from 'ioredis';
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
import { validJob } from '../services/api/src/test-utils/app.js';

const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const SECONDS = Number(process.env.SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.WARMUP_SECONDS ?? 2);

// The smallest sort of real job (the api tests' valid job: a 2-16-2 MLP on 200 synthetic points), as a client would send it.
const body = JSON.stringify(validJob());

/** POSTs the job once on a keep-alive socket; resolves with the status (0 on a network error). */
function post(agent: http.Agent, url: URL): Promise<{ status: number; text?: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve(status === 201 ? { status } : { status, text }));
      },
    );
    req.on('error', (err) => resolve({ status: 0, text: err.message }));
    req.end(body);
  });
}

const prefix = benchPrefix('submit');
const redis = new Redis(REDIS_URL);
const api = await startApi(prefix, {}, (process.env.API_NODE_ARGS ?? '').split(' ').filter(Boolean));
try {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const url = new URL(`${api.url}/v1/jobs`);
  const latencies = new Samples();
  const errors: string[] = [];
  let ok = 0;
  let measuring = false;
  const warmupEnd = performance.now() + WARMUP_SECONDS * 1000;
  const end = warmupEnd + SECONDS * 1000;
  let cpu0 = 0;
  let rss = 0;
  const loop = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const r = await post(agent, url);
      const t1 = performance.now();
      if (t0 < warmupEnd) continue;
      if (!measuring) {
        measuring = true;
        cpu0 = api.cpuSeconds();
      }
      latencies.push(t1 - t0);
      if (r.status === 201) ok++;
      else errors.push(`HTTP ${r.status}: ${(r.text ?? '').slice(0, 300)}`);
      if (rss === 0 && t1 > warmupEnd + (SECONDS * 1000) / 2) rss = api.rss().now;
    }
  };
  const bench0 = process.cpuUsage();
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  const apiCpu = (api.cpuSeconds() - cpu0) / SECONDS;
  const benchUs = process.cpuUsage(bench0);
  const benchCpu = (benchUs.user + benchUs.system) / 1e6 / (SECONDS + WARMUP_SECONDS);
  agent.destroy();

  const p = percentiles(latencies.values());
  const row = {
    concurrency: CONCURRENCY,
    seconds: SECONDS,
    requests: latencies.length,
    'req/s': Math.round(latencies.length / SECONDS),
    'created/s': Math.round(ok / SECONDS),
    'p50 ms': p.p50,
    'p99 ms': p.p99,
    'max ms': p.max,
    errors: errors.length,
    'api cpu %': Math.round(apiCpu * 100),
    'bench cpu %': Math.round(benchCpu * 100),
    'rss MiB': rss,
  };
  if (errors.length) console.error(`${errors.length} errors; the first: ${errors[0]}`);
  console.log(markdownTable([row]));
  console.log('\ntarget: ≥ 2,000 req/s with p99 < 50 ms');
  console.log(
    `results: ${writeResult('submit', { config: { concurrency: CONCURRENCY, seconds: SECONDS, warmup_seconds: WARMUP_SECONDS }, ...row, first_error: errors[0] ?? null })}`,
  );
} finally {
  await api.stop();
  await dropPrefix(redis, prefix);
  redis.disconnect();
}
