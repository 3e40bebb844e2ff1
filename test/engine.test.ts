import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../services/worker/src/index.js';
import { spiralsJob } from './fixtures.js';
import { readSse } from './sse.js';
import { REDIS_URL, postJson, startStack, testPrefix, type Stack } from './stack.js';
import { spawnWorker, type WorkerProcess } from './worker-process.js';
import { buildApp, loadConfig as loadApiConfig } from '../services/api/src/index.js';
import { dropPrefix } from '../services/api/src/test-utils/app.js';
import type { AddressInfo } from 'node:net';

// The engine a job trains on is in its first worker event (status running): the kernels, and
// how many threads they split across; threads change the speed, never the numbers.
const stacks: Stack[] = [];
afterAll(async () => {
  await Promise.all(stacks.map((s) => s.close()));
});

async function run(url: string): Promise<{ engine: any; metrics: Record<string, number> }> {
  const { status, body } = await postJson(`${url}/v1/jobs`, spiralsJob({ epochs: 4, samples: 400 }));
  expect(status).toBe(201);
  const { events } = await readSse(`${url}/v1/jobs/${body.id}/events`, { timeoutMs: 60_000 });
  const data = events.map((e) => ({ event: e.event, data: e.data as any }));
  const running = data.find((e) => e.event === 'status' && e.data.status === 'running');
  const done = data.at(-1)!;
  expect(done.event).toBe('completed');
  return { engine: running?.data.engine, metrics: done.data.metrics };
}

describe('the engine in the first event', () => {
  it('names WebAssembly SIMD and the thread count; two threads train to the same numbers as one', async () => {
    const two = await startStack({ worker: { threads: 2, cores: 2 } });
    stacks.push(two);
    const one = await startStack({ worker: { threads: 1 } });
    stacks.push(one);
    const a = await run(two.url);
    const b = await run(one.url);
    expect(a.engine).toEqual({ kernels: 'wasm-simd', threads: 2, simd: true });
    expect(b.engine).toEqual({ kernels: 'wasm-simd', threads: 1, simd: true });
    expect(a.metrics).toEqual(b.metrics);
  });

  it('says so when the TypeScript kernels run, and why', async () => {
    const prefix = testPrefix();
    const app = await buildApp({ config: { ...loadApiConfig({ REDIS_URL }), prefix } });
    let worker: WorkerProcess | undefined;
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      worker = spawnWorker(prefix, 'ts-kernels', { TRAINYARD_KERNELS: 'typescript' });
      const { engine, metrics } = await run(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
      expect(engine).toMatchObject({ kernels: 'typescript', threads: 1 });
      expect(engine.reason).toMatch(/TRAINYARD_KERNELS/);
      expect(metrics.accuracy).toBeGreaterThan(0.5);
    } finally {
      await worker?.stop();
      await app.close();
      await dropPrefix(prefix);
    }
  });
});

describe('WORKER_THREADS', () => {
  it('must fit WORKER_CONCURRENCY × WORKER_THREADS into WORKER_CORES', () => {
    expect(loadConfig({ WORKER_CONCURRENCY: '1', WORKER_THREADS: '2', WORKER_CORES: '2' })).toMatchObject({
      concurrency: 1,
      threads: 2,
      cores: 2,
    });
    expect(() => loadConfig({ WORKER_CONCURRENCY: '2', WORKER_THREADS: '2', WORKER_CORES: '2' })).toThrow(
      'WORKER_CONCURRENCY (2) × WORKER_THREADS (2) is more than the 2 cores of WORKER_CORES',
    );
    expect(() => loadConfig({ WORKER_THREADS: '0' })).toThrow(/WORKER_THREADS must be an integer >= 1/);
  });
});
