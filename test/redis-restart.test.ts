import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { TrainyardClient } from '../packages/client/src/index.js';
import type { JobSpec } from '../packages/contracts/src/index.js';
import { keys } from '../packages/store/src/index.js';
import { buildApp, loadConfig } from '../services/api/src/index.js';
import { spiralsJob } from './fixtures.js';
import { privateRedis, type PrivateRedis } from './redis-server.js';
import { strictlyIncreasing } from './sse.js';
import { testPrefix } from './stack.js';
import { spawnWorker, type WorkerProcess } from './worker-process.js';

type Event = { id: string; event: string; data: any };
const EPOCHS = 30;
const spec = () => spiralsJob({ epochs: EPOCHS, samples: 1500, seed: 13 }) as unknown as JobSpec;
const TERMINAL = ['completed', 'failed', 'cancelled'];
const LONG_OUTAGE_MS = 13_000;

describe('Redis killed and restarted mid-job (AOF, appendfsync always)', () => {
  let redis: PrivateRedis;
  let app: FastifyInstance;
  let worker: WorkerProcess;
  let client: TrainyardClient;
  let base: string;
  /** The final metrics of the spec trained without a fault. */
  let uninterrupted: unknown;
  const prefix = testPrefix();

  beforeAll(async () => {
    redis = await privateRedis();
    await redis.start();
    app = await buildApp({
      config: { ...loadConfig({ REDIS_URL: redis.url }), prefix, maxActiveJobs: 0, rateLimitPerMinute: 0 },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    client = new TrainyardClient({ baseUrl: base });
    worker = spawnWorker(prefix, 'worker-r', { REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await worker?.stop();
    await app?.close();
    await redis?.stop();
  });

  it('the job completes once with the numbers of an uninterrupted run, its stream repeats and loses nothing, and the api keeps serving', async () => {
    const { id } = await client.submitJob(spec());
    const events: Event[] = [];
    let outageAt: number | undefined;
    for await (const e of client.events(id, { retryMs: 200 })) {
      events.push(e as Event);
      if (e.event === 'epoch' && (e.data as any).epoch === 3) {
        outageAt = events.length;
        await redis.kill();
        // A real outage, long enough for every connection to notice and start reconnecting.
        const down = Date.now();
        await new Promise((r) => setTimeout(r, 500));
        // Meanwhile a request fails with a 5xx envelope while Redis is still down, instead of
        // hanging until it returns (Redis only starts again below; the signal bounds the wait).
        const during = await fetch(`${base}/v1/jobs/${id}`, { signal: AbortSignal.timeout(10_000) });
        expect(during.status).toBeGreaterThanOrEqual(500);
        expect(((await during.json()) as { error: { code: string } }).error.code).toBeTypeOf('string');
        await new Promise((r) => setTimeout(r, 1500 - (Date.now() - down)));
        await redis.start();
      }
    }
    expect(outageAt).toBeDefined();
    // The job went on training after the outage: most epochs arrived after it.
    expect(events.slice(outageAt).filter((e) => e.event === 'epoch').length).toBeGreaterThan(EPOCHS / 2);

    // What the client saw is exactly the stored stream, which reports each epoch once, in order.
    const db = new Redis(redis.url);
    try {
      const stored = await db.xrange(keys.events(prefix, id), '-', '+');
      expect(events.map((e) => e.id)).toEqual(stored.map(([sid]) => sid));
      expect(strictlyIncreasing(events.map((e) => e.id))).toBe(true);
    } finally {
      db.disconnect();
    }
    expect(events.filter((e) => e.event === 'epoch').map((e) => e.data.epoch)).toEqual(
      Array.from({ length: EPOCHS }, (_, i) => i + 1),
    );
    expect(events.filter((e) => TERMINAL.includes(e.event)).map((e) => e.event)).toEqual(['completed']);
    expect(events.at(-1)!.event).toBe('completed');
    // The outage cost no attempt: the same run went on.
    const running = events.filter((e) => e.event === 'status' && e.data.status === 'running');
    expect(running.map((e) => e.data.attempt)).toEqual([1]);

    const job = await client.getJob(id);
    expect(job).toMatchObject({ status: 'succeeded', attempts: 1, epoch: EPOCHS });
    expect(job.metrics).toEqual(events.at(-1)!.data.metrics);

    // A new job is accepted and runs on the same connections; same spec and seed, same numbers.
    const baseline = await client.submitJob(spec());
    let done: Event | undefined;
    for await (const e of client.events(baseline.id)) if (TERMINAL.includes(e.event)) done = e as Event;
    expect(done?.event).toBe('completed');
    expect(done!.data.metrics).toEqual(events.at(-1)!.data.metrics);
    uninterrupted = done!.data.metrics;
    expect(worker.output()).not.toMatch(/job attempt failed/);
  });

  it('a stream that starts being read after the restart is live at once, not after the blocking read times out', async () => {
    // Two subscriptions, the second while the hub's read is blocked on the first: it must be
    // interrupted (CLIENT UNBLOCK) to add the second key, which needs the connection's id after
    // the reconnect, not the one it had before (which may now name some other client).
    await redis.kill();
    await redis.start();
    const db = new Redis(redis.url);
    const hubName = `trainyard-api-events@${prefix}`;
    for (let i = 0; i < 200 && !String(await db.client('LIST')).includes(`name=${hubName} `); i++)
      await new Promise((r) => setTimeout(r, 50));
    // The replies of the hub's CLIENT UNBLOCK calls: 1 when it interrupted its blocked read, 0 when
    // the id it used named no blocked client (a stale one), leaving the read to time out.
    const cmd = (app.hub as unknown as { cmd: Redis }).cmd;
    const unblocks: unknown[] = [];
    const client = cmd.client.bind(cmd) as (...args: unknown[]) => Promise<unknown>;
    const spy = vi.spyOn(cmd, 'client').mockImplementation(((...args: unknown[]) => {
      const reply = client(...args);
      if (String(args[0]).toUpperCase() === 'UNBLOCK') void reply.then((r) => unblocks.push(r));
      return reply;
    }) as typeof cmd.client);
    let got = 0;
    const first = await app.hub.subscribe(`${prefix}:probe:a`, '0-0', () => undefined);
    await new Promise((r) => setTimeout(r, 100));
    const second = await app.hub.subscribe(`${prefix}:probe:b`, '0-0', () => got++);
    try {
      await db.xadd(`${prefix}:probe:b`, '*', 'type', 'log', 'data', '{}');
      for (let i = 0; i < 100 && got === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(got).toBe(1);
      expect(unblocks).toContain(1);
    } finally {
      spy.mockRestore();
      first();
      second();
      db.disconnect();
    }
  });

  it('a long outage (13 s: a restart or failover) costs no attempt either: training waits for Redis and goes on', async () => {
    expect(uninterrupted).toBeDefined();
    const { id } = await client.submitJob(spec());
    const events: Event[] = [];
    let outage: { from: number; to: number } | undefined;
    for await (const e of client.events(id, { retryMs: 200 })) {
      events.push(e as Event);
      if (e.event === 'checkpoint' && (e.data as any).epoch === 3) {
        const from = Date.now();
        await redis.kill();
        // Far beyond the api's request retries (a few hundred ms), well within the worker's
        // connections' (ioredis backs off to 5 s between reconnects; 20 of them before a command fails).
        await new Promise((r) => setTimeout(r, LONG_OUTAGE_MS));
        await redis.start();
        outage = { from, to: Date.now() };
      }
    }
    expect(outage).toBeDefined();
    // Nothing was written while Redis was down (stream ids are Redis's clock, the same machine's),
    // and training went on after it: the client may see the checkpoint late, so events written
    // between it and the kill are fine.
    const written = events.map((e) => Number(e.id.split('-')[0]));
    expect(written.filter((t) => t > outage!.from && t < outage!.to - 1000)).toEqual([]);
    expect(written.filter((t) => t >= outage!.to - 1000).length).toBeGreaterThan(0);
    const running = events.filter((e) => e.event === 'status' && e.data.status === 'running');
    expect(running.map((e) => e.data.attempt)).toEqual([1]);
    expect(events.filter((e) => e.event === 'epoch').map((e) => e.data.epoch)).toEqual(
      Array.from({ length: EPOCHS }, (_, i) => i + 1),
    );
    expect(strictlyIncreasing(events.map((e) => e.id))).toBe(true);
    expect(events.filter((e) => TERMINAL.includes(e.event)).map((e) => e.event)).toEqual(['completed']);
    expect(events.at(-1)!.data.metrics).toEqual(uninterrupted);
    expect(await client.getJob(id)).toMatchObject({ status: 'succeeded', attempts: 1, epoch: EPOCHS });
    expect(worker.output()).not.toMatch(/job attempt failed/);
  });
});
