// `node scripts/bench.mjs sse-fanout`: one api process (the compiled server, a child process)
// holding CLIENTS concurrent SSE clients while the bench appends events to the jobs' streams as a
// worker does (XADD type/data, the send time inside the data). Measures each event's delivery
// latency at every client, checks that every client got every event once, counts the api's
// Redis connections (CLIENT LIST, by connection name) and reads its RSS.
// Modes (MODES=per-job,one-job,multiplexed):
//   per-job      GET /v1/jobs/:id/events, clients spread evenly over JOBS jobs
//   one-job      GET /v1/jobs/:id/events, every client on the same job
//   multiplexed  GET /v1/events?jobs=…, each client follows FOLLOW of the JOBS jobs
// Knobs (env): CLIENTS (1000), JOBS (100), RATE events/s per job (4: batch events come at most
// every 250 ms), SECONDS of sending per mode (10), FOLLOW (5); API_NODE_ARGS (below).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { Redis } from 'ioredis';
import { keys } from '../packages/store/src/index.js';
import {
  Samples,
  apiConnections,
  benchPrefix,
  dropPrefix,
  markdownTable,
  percentiles,
  REDIS_URL,
  startApi,
  writeResult,
  type ApiServer,
} from './lib/service.js';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const CLIENTS = env('CLIENTS', 1000);
const JOBS = env('JOBS', 100);
const RATE = env('RATE', 4);
const SECONDS = env('SECONDS', 10);
const FOLLOW = env('FOLLOW', 5);
const MODES = (process.env.MODES ?? 'per-job,one-job,multiplexed').split(',');
const now = (): number => performance.timeOrigin + performance.now();

const tinyJob = {
  model: {
    class_name: 'Sequential',
    config: {
      layers: [{ class_name: 'Dense', config: { units: 2, activation: 'softmax', batch_input_shape: [null, 2] } }],
    },
  },
  compile: { optimizer: 'adam', loss: 'sparse_categorical_crossentropy' },
  fit: { epochs: 1, batch_size: 32 },
  dataset: { builtin: 'spirals', options: { samples: 100 } },
};

/** One SSE client: counts events and records each one's latency from its `sent_at`. */
class Client {
  received = 0;
  status = 0;
  private req: http.ClientRequest | null = null;
  constructor(
    private readonly url: string,
    private readonly latencies: Samples,
    private readonly errors: string[],
  ) {}

  open(): Promise<void> {
    return new Promise((resolve) => {
      this.req = http.get(this.url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
        this.status = res.statusCode ?? 0;
        if (this.status !== 200) this.errors.push(`HTTP ${this.status} from ${this.url}`);
        res.setEncoding('utf8');
        let buf = '';
        res.on('data', (chunk: string) => {
          const t = now();
          buf += chunk;
          let end: number;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const msg = buf.slice(0, end);
            buf = buf.slice(end + 2);
            const sent = /"sent_at":([\d.]+)/.exec(msg);
            if (!sent) continue;
            this.received++;
            this.latencies.push(t - Number(sent[1]));
          }
        });
        resolve();
      });
      this.req.on('error', (err) => {
        if (this.req) this.errors.push(`${err.message} (${this.url})`);
        resolve();
      });
    });
  }

  close(): void {
    const req = this.req;
    this.req = null;
    req?.destroy();
  }
}

async function metric(api: ApiServer, name: string): Promise<number> {
  const text = await (await fetch(`${api.url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
}

async function waitFor(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function createJobs(api: ApiServer, n: number): Promise<string[]> {
  const jobs: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${api.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tinyJob),
    });
    if (res.status !== 201) throw new Error(`POST /v1/jobs answered ${res.status}: ${await res.text()}`);
    jobs.push(((await res.json()) as { id: string }).id);
  }
  return jobs;
}

/** Opens the mode's clients on fresh jobs and waits until the api counts every subscription. */
async function connectClients(mode: string, api: ApiServer) {
  // Fresh jobs, so that no client replays another mode's events.
  const jobs = await createJobs(api, mode === 'one-job' ? 1 : JOBS);
  const latencies = new Samples();
  const errors: string[] = [];
  // Which jobs each client follows, so that every client's expected count is known.
  const follows: string[][] = Array.from({ length: CLIENTS }, (_, i) => {
    if (mode !== 'multiplexed') return [jobs[i % jobs.length]];
    return Array.from({ length: FOLLOW }, (_, k) => jobs[(i * FOLLOW + k) % jobs.length]);
  });
  const url = (f: string[]) =>
    mode === 'multiplexed' ? `${api.url}/v1/events?jobs=${f.join(',')}` : `${api.url}/v1/jobs/${f[0]}/events`;
  const clients = follows.map((f) => new Client(url(f), latencies, errors));
  // Connect in waves, so the listen backlog never overflows.
  for (let i = 0; i < clients.length; i += 100) await Promise.all(clients.slice(i, i + 100).map((c) => c.open()));
  const subscriptions = follows.reduce((n, f) => n + f.length, 0);
  await waitFor(
    `${subscriptions} subscriptions`,
    async () => (await metric(api, 'trainyard_sse_clients')) === subscriptions,
    30_000,
  );
  return { jobs, follows, clients, latencies, errors };
}

/** Sends RATE events a second to each job, spread evenly, for SECONDS; samples the api halfway. */
async function sendEvents(api: ApiServer, prefix: string, redis: Redis, jobs: string[]) {
  const sent = new Map<string, number>(jobs.map((j) => [j, 0]));
  const total = Math.round(RATE * jobs.length * SECONDS);
  const start = now();
  const cpu0 = { api: api.cpuSeconds(), bench: process.cpuUsage() };
  let n = 0;
  let connections: string[] = [];
  let rssMid = 0;
  while (n < total) {
    const due = Math.min(total, Math.floor(((now() - start) / 1000) * RATE * jobs.length));
    if (due > n) {
      const pipe = redis.pipeline();
      for (; n < due; n++) {
        const job = jobs[n % jobs.length];
        const batch = sent.get(job)! + 1;
        sent.set(job, batch);
        const event = {
          type: 'batch',
          epoch: 1,
          batch,
          batches: 1_000_000,
          logs: { loss: 0.5, accuracy: 0.8 },
          sent_at: now(),
        };
        pipe.xadd(keys.events(prefix, job), '*', 'type', event.type, 'data', JSON.stringify(event));
      }
      await pipe.exec();
    }
    if (connections.length === 0 && now() - start > (SECONDS * 1000) / 2) {
      connections = await apiConnections(redis, prefix);
      rssMid = api.rss().now;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const elapsed = (now() - start) / 1000;
  const benchCpuUs = process.cpuUsage(cpu0.bench);
  return {
    sent,
    total,
    connections,
    rssMid,
    apiCpu: (api.cpuSeconds() - cpu0.api) / elapsed,
    benchCpu: (benchCpuUs.user + benchCpuUs.system) / 1e6 / elapsed,
  };
}

async function runMode(
  mode: string,
  api: ApiServer,
  prefix: string,
  redis: Redis,
): Promise<Record<string, string | number>> {
  const { jobs, follows, clients, latencies, errors } = await connectClients(mode, api);
  const { sent, total, connections, rssMid, apiCpu, benchCpu } = await sendEvents(api, prefix, redis, jobs);
  const expected = follows.reduce((sum, f) => sum + f.reduce((s, j) => s + (sent.get(j) ?? 0), 0), 0);
  const received = () => clients.reduce((s, c) => s + c.received, 0);
  await waitFor('every event delivered', async () => received() >= expected, 10_000).catch(() => undefined);
  const got = received();
  const short = clients.filter((c, i) => c.received !== follows[i].reduce((s, j) => s + (sent.get(j) ?? 0), 0)).length;
  for (const c of clients) c.close();
  await waitFor('clients gone', async () => (await metric(api, 'trainyard_sse_clients')) === 0, 10_000);

  if (errors.length) console.error(`${mode}: ${errors.length} client errors, first: ${errors[0]}`);
  const p = percentiles(latencies.values());
  return {
    mode,
    clients: CLIENTS,
    jobs: jobs.length,
    'events/s sent': Math.round(total / SECONDS),
    'deliveries/s': Math.round(expected / SECONDS),
    'p50 ms': p.p50,
    'p95 ms': p.p95,
    'p99 ms': p.p99,
    'max ms': p.max,
    delivered: `${got}/${expected}`,
    'clients off': short,
    'redis conns': connections.length,
    'rss MiB': rssMid,
    // Share of one core while sending: the api near 100 % is the bottleneck; the bench (clients and sender) may be too.
    'api cpu %': Math.round(apiCpu * 100),
    'bench cpu %': Math.round(benchCpu * 100),
    errors: errors.length,
  };
}

// Every client is a socket here and another in the api (which inherits this limit).
const fdLimit = Number(/^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? Infinity);
if (fdLimit < CLIENTS + 200) {
  console.error(
    `the open-file limit (${fdLimit}) is too low for ${CLIENTS} clients: run \`ulimit -n ${CLIENTS * 2 + 1000}\` first`,
  );
  process.exit(1);
}

const prefix = benchPrefix('sse');
const redis = new Redis(REDIS_URL);
// API_NODE_ARGS go to the api's node only, e.g. API_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
const api = await startApi(prefix, {}, (process.env.API_NODE_ARGS ?? '').split(' ').filter(Boolean));
try {
  const rows: Record<string, string | number>[] = [];
  for (const mode of MODES) {
    rows.push(await runMode(mode, api, prefix, redis));
    console.error(`${mode} done`);
  }
  const rss = api.rss();
  console.log(markdownTable(rows));
  console.log(`\napi peak RSS ${rss.peak} MiB; target: p99 ≤ 100 ms with ${CLIENTS} clients, ≤ 5 Redis connections`);
  const file = writeResult('sse-fanout', {
    config: { clients: CLIENTS, jobs: JOBS, rate_per_job: RATE, seconds: SECONDS, follow: FOLLOW },
    rows,
    api_peak_rss_mb: rss.peak,
  });
  console.log(`results: ${file}`);
} finally {
  await api.stop();
  await dropPrefix(redis, prefix);
  redis.disconnect();
}
