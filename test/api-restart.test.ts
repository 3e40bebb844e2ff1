import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { TrainyardClient } from '../packages/client/src/index.js';
import type { JobSpec } from '../packages/contracts/src/index.js';
import { keys } from '../packages/store/src/index.js';
import { buildApp, loadConfig } from '../services/api/src/index.js';
import { dropPrefix } from '../services/api/src/test-utils/app.js';
import { spawnApi, type ApiProcess } from './api-process.js';
import { spiralsJob } from './fixtures.js';
import { freePort } from './redis-server.js';
import { readSse, strictlyIncreasing } from './sse.js';
import { REDIS_URL, testPrefix } from './stack.js';
import { spawnWorker, type WorkerProcess } from './worker-process.js';

type Event = { id: string; event: string; data: any };
// Far more than the test waits for: it cancels the job once the api has restarted twice.
const EPOCHS = 1000;
const TERMINAL = ['completed', 'failed', 'cancelled'];

describe('the api restarted under a streaming client', () => {
  const prefix = testPrefix();
  let port: number;
  let url: string;
  /** The first api is a process of its own, to be killed; its successors start in this one, in a second. */
  let proc: ApiProcess;
  let app: FastifyInstance | undefined;
  let worker: WorkerProcess;
  const instance = async (): Promise<FastifyInstance> => {
    const a = await buildApp({
      config: { ...loadConfig({ REDIS_URL }), prefix, maxActiveJobs: 0, rateLimitPerMinute: 0 },
    });
    await a.listen({ port, host: '127.0.0.1' });
    return a;
  };

  beforeAll(async () => {
    port = await freePort();
    proc = await spawnApi(prefix, port);
    url = proc.url;
    worker = spawnWorker(prefix, 'worker-s');
  });
  afterAll(async () => {
    await worker?.stop();
    await proc?.stop();
    await app?.close();
    await dropPrefix(prefix);
  });

  it('the client resumes with Last-Event-ID on each new api and ends up with exactly the stored stream', async () => {
    const events: Event[] = [];
    // Every events request the client makes: the Last-Event-ID it sent, and the last id it had then.
    const requests: { sent: string | null; had: string | null }[] = [];
    const recording: typeof fetch = (input, init) => {
      if (String(input).includes('/events'))
        requests.push({ sent: new Headers(init?.headers).get('last-event-id'), had: events.at(-1)?.id ?? null });
      return fetch(input, init);
    };
    const client = new TrainyardClient({ baseUrl: url, fetch: recording });
    const { id } = await client.submitJob(spiralsJob({ epochs: EPOCHS, samples: 1500, seed: 3 }) as unknown as JobSpec);

    const restarts: string[] = [];
    // Only an event written after the current api came up is live (the rest is the catch-up replay),
    // so acting on live events only makes each step happen while the job is still training.
    let liveSince = 0;
    let cancelAt: number | undefined;
    for await (const e of client.events(id, { retryMs: 200 })) {
      events.push(e as Event);
      if (e.event !== 'epoch' || Number(e.id.split('-')[0]) < liveSince || cancelAt !== undefined) continue;
      if (restarts.length === 2) {
        // Both restarts are behind us and the job still trains: end it, so the stream ends.
        cancelAt = events.length;
        await client.cancelJob(id);
        continue;
      }
      if (restarts.length === 0) {
        // The api process dies outright: its sockets are reset mid-stream.
        restarts.push('killed');
        proc.child.kill('SIGKILL');
        expect(await proc.exited).toEqual({ code: null, signal: 'SIGKILL' });
      } else {
        // Closed gracefully (what SIGTERM does): its open streams are ended.
        restarts.push('closed');
        await app!.close();
      }
      // The same port, a new api: the client's next request reaches it.
      app = await instance();
      liveSince = Date.now();
    }

    expect(restarts).toEqual(['killed', 'closed']);
    expect(cancelAt).toBeDefined();
    // One first request, then one reconnect per restart, each carrying the last id the client had.
    expect(requests).toHaveLength(3);
    expect(requests[0]).toEqual({ sent: null, had: null });
    for (const r of requests.slice(1)) expect(r.sent).toBe(r.had);
    expect(requests[1].sent).not.toBe(requests[2].sent);

    // The client's events are the stored stream: nothing missed, nothing twice, in order.
    const redis = new Redis(REDIS_URL);
    try {
      const stored = await redis.xrange(keys.events(prefix, id), '-', '+');
      expect(events.map((e) => e.id)).toEqual(stored.map(([sid]) => sid));
    } finally {
      redis.disconnect();
    }
    expect(strictlyIncreasing(events.map((e) => e.id))).toBe(true);
    // ...and a fresh replay from the latest api says the same, event for event.
    const replay = await readSse(`${url}/v1/jobs/${id}/events`, { timeoutMs: 10_000 });
    expect(replay.ended).toBe(true);
    expect(replay.events).toEqual(events);
    const epochs = events.filter((e) => e.event === 'epoch').map((e) => e.data.epoch);
    expect(epochs).toEqual(Array.from({ length: epochs.length }, (_, i) => i + 1));
    expect(events.filter((e) => TERMINAL.includes(e.event)).map((e) => e.event)).toEqual(['cancelled']);
    expect(events.at(-1)!.event).toBe('cancelled');
    expect(await client.getJob(id)).toMatchObject({ status: 'cancelled', epoch: epochs.at(-1) });
  });
});
