// `node scripts/bench.mjs hostile-upload`: what issue 13's hostile uploads cost the api now.
// The compiled api runs as a child process with its default limits (100 MiB datasets, JSON depth
// 64). PARALLEL clients each upload an IDX pair whose x is a gzip bomb (about 0.5 MB inflating to
// BOMB_MIB MiB) while a prober GETs /healthz every 10 ms, after PARALLEL clients POSTed a job whose
// model.config is nested DEPTH deep. Reported: the answers, how long each took, /healthz latency
// during each round and the api's peak resident memory over its idle size (a running peak: the
// deep-body round goes first).
// A last round sends bombs whose header declares just under the limit: the worst case left.
// Knobs (env): PARALLEL (4), BOMB_MIB (512), DEPTH (10000).
import { gzipSync } from 'node:zlib';
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

const PARALLEL = Number(process.env.PARALLEL ?? 4);
const BOMB_MIB = Number(process.env.BOMB_MIB ?? 512);
const DEPTH = Number(process.env.DEPTH ?? 10_000);

/**
 * An IDX ubyte header for [n, 1024] samples, then one gzip member per 8 MiB of zeros (members
 * concatenate): an honest header declares all `mib`, a lying one just under the dataset limit.
 */
function bomb(mib: number, declaredRows = (mib * 1024 * 1024) / 1024): Buffer {
  const n = declaredRows;
  const header = Buffer.alloc(12);
  header.set([0, 0, 0x08, 2]);
  header.writeUInt32BE(n, 4);
  header.writeUInt32BE(1024, 8);
  const zeros = gzipSync(Buffer.alloc(8 * 1024 * 1024), { level: 9 });
  return Buffer.concat([gzipSync(header), ...Array.from({ length: mib / 8 }, () => zeros)]);
}

function multipart(x: Buffer, y: Buffer): { body: Buffer; type: string } {
  const b = '----bench-bomb';
  const part = (name: string, content: Buffer) => [
    Buffer.from(
      `--${b}\r\ncontent-disposition: form-data; name="${name}"; filename="${name}.gz"\r\ncontent-type: application/gzip\r\n\r\n`,
    ),
    content,
    Buffer.from('\r\n'),
  ];
  return {
    body: Buffer.concat([...part('x', x), ...part('y', y), Buffer.from(`--${b}--\r\n`)]),
    type: `multipart/form-data; boundary=${b}`,
  };
}

/** Runs `work` while GETting /healthz every 10 ms; returns work's result and the probe latencies. */
async function probed<T>(
  url: string,
  work: () => Promise<T>,
): Promise<{ result: T; health: ReturnType<typeof percentiles>; probes: number }> {
  const latencies = new Samples();
  let done = false;
  const prober = (async () => {
    while (!done) {
      const t0 = performance.now();
      await fetch(`${url}/healthz`).then((r) => r.arrayBuffer());
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const result = await work();
  done = true;
  await prober;
  return { result, health: percentiles(latencies.values()), probes: latencies.length };
}

async function timed(fn: () => Promise<Response>): Promise<{ status: number; code: string; ms: number }> {
  const t0 = performance.now();
  const res = await fn();
  const body = (await res.json()) as { error?: { code: string } };
  return { status: res.status, code: body.error?.code ?? '', ms: Math.round(performance.now() - t0) };
}

const prefix = benchPrefix('hostile');
const redis = new Redis(REDIS_URL);
const api = await startApi(prefix);
try {
  const x = bomb(BOMB_MIB);
  const y = gzipSync(Buffer.from([0, 0, 0x08, 1, 0, 0, 0, 1, 0]));
  const form = multipart(x, y);
  await new Promise((r) => setTimeout(r, 500));
  const idle = api.rss().now;
  const rows: Record<string, string | number>[] = [];
  // /healthz with nothing else going on: the machine's own noise, to read the rounds against.
  const quiet = await probed(api.url, () => new Promise((r) => setTimeout(r, 1000)));
  rows.push({
    round: 'nothing (1 s of probes)',
    answers: '',
    'slowest answer ms': '',
    'healthz p50 ms': quiet.health.p50,
    'healthz p99 ms': quiet.health.p99,
    'healthz max ms': quiet.health.max,
    probes: quiet.probes,
    'api peak RSS over idle MiB': api.rss().peak - idle,
  });

  const deep = JSON.stringify(validJob()).replace(
    /"model":\{/,
    `"model":{"class_name":"Sequential","config":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}},"_":{`,
  );
  const deepRound = await probed(api.url, () =>
    Promise.all(
      Array.from({ length: PARALLEL }, () =>
        timed(() =>
          fetch(`${api.url}/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deep }),
        ),
      ),
    ),
  );
  rows.push({
    round: `${PARALLEL} × job with model.config ${DEPTH} deep`,
    answers: [...new Set(deepRound.result.map((r) => `${r.status} ${r.code}`))].join(', '),
    'slowest answer ms': Math.max(...deepRound.result.map((r) => r.ms)),
    'healthz p50 ms': deepRound.health.p50,
    'healthz p99 ms': deepRound.health.p99,
    'healthz max ms': deepRound.health.max,
    probes: deepRound.probes,
    'api peak RSS over idle MiB': api.rss().peak - idle,
  });

  const uploads = await probed(api.url, () =>
    Promise.all(
      Array.from({ length: PARALLEL }, () =>
        timed(() =>
          fetch(`${api.url}/v1/datasets`, { method: 'POST', headers: { 'content-type': form.type }, body: form.body }),
        ),
      ),
    ),
  );
  rows.push({
    round: `${PARALLEL} × gzip bomb (${(x.length / 1e6).toFixed(2)} MB → ${BOMB_MIB} MiB)`,
    answers: [...new Set(uploads.result.map((r) => `${r.status} ${r.code}`))].join(', '),
    'slowest answer ms': Math.max(...uploads.result.map((r) => r.ms)),
    'healthz p50 ms': uploads.health.p50,
    'healthz p99 ms': uploads.health.p99,
    'healthz max ms': uploads.health.max,
    probes: uploads.probes,
    'api peak RSS over idle MiB': api.rss().peak - idle,
  });

  // The worst a bomb can now cost: a header declaring just under the limit, then 512 MiB.
  const liar = multipart(bomb(BOMB_MIB, Math.floor((100 * 1024 * 1024 - 12) / 1024)), y);
  const lies = await probed(api.url, () =>
    Promise.all(
      Array.from({ length: PARALLEL }, () =>
        timed(() =>
          fetch(`${api.url}/v1/datasets`, { method: 'POST', headers: { 'content-type': liar.type }, body: liar.body }),
        ),
      ),
    ),
  );
  rows.push({
    round: `${PARALLEL} × gzip bomb whose header declares 100 MiB (→ ${BOMB_MIB} MiB)`,
    answers: [...new Set(lies.result.map((r) => `${r.status} ${r.code}`))].join(', '),
    'slowest answer ms': Math.max(...lies.result.map((r) => r.ms)),
    'healthz p50 ms': lies.health.p50,
    'healthz p99 ms': lies.health.p99,
    'healthz max ms': lies.health.max,
    probes: lies.probes,
    'api peak RSS over idle MiB': api.rss().peak - idle,
  });

  console.log(markdownTable(rows));
  console.log(JSON.stringify({ idleRssMiB: idle }));
  console.log(
    `results: ${writeResult('hostile-upload', { parallel: PARALLEL, bombMiB: BOMB_MIB, depth: DEPTH, idleRssMiB: idle, rows })}`,
  );
} finally {
  await api.stop();
  await dropPrefix(redis, prefix);
  redis.disconnect();
}
