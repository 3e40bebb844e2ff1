import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { TrainyardClient, TrainyardError, type JobServerEvent } from '../packages/client/src/index.js';
import type { JobSpec } from '../packages/contracts/src/index.js';
import { loadConfig } from '../services/api/src/index.js';
import { spiralsJob } from './fixtures.js';
import { REDIS_URL, startStack, type Stack } from './stack.js';
import { TEST_KEYS } from '../services/api/src/test-utils/keys.js';

// @trainyard/client against the real service: api with API keys on, a worker, real Redis.
const KEY = TEST_KEYS.acme;

describe('TrainyardClient against a live api and worker', () => {
  let stack: Stack;
  let client: TrainyardClient;
  let redis: Redis;
  beforeAll(async () => {
    stack = await startStack({ api: { apiKeys: loadConfig({ TRAINYARD_API_KEYS: `acme:${KEY}` }).apiKeys } });
    client = new TrainyardClient({ baseUrl: stack.url, apiKey: KEY });
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.close();
  });

  it('submits, follows every event to the terminal one, then reads the job, its metrics and its model', async () => {
    const created = await client.submitJob(spiralsJob({ epochs: 4, samples: 300 }) as unknown as JobSpec);
    expect(created).toMatchObject({ status: 'queued', links: { events: `/v1/jobs/${created.id}/events` } });

    const events: JobServerEvent[] = [];
    for await (const e of client.events(created.id)) events.push(e);
    expect(events.at(-1)!.event).toBe('completed');
    expect(events.filter((e) => ['completed', 'failed', 'cancelled'].includes(e.event))).toHaveLength(1);
    const epochs = events.flatMap((e) => (e.event === 'epoch' ? [e.data] : []));
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(epochs[3].logs).toMatchObject({
      loss: expect.any(Number),
      accuracy: expect.any(Number),
      val_loss: expect.any(Number),
    });

    const job = await client.getJob(created.id);
    expect(job).toMatchObject({ id: created.id, status: 'succeeded', epoch: 4 });
    expect(job.metrics?.accuracy).toBe(epochs[3].logs.accuracy);
    expect((await client.getMetrics(created.id)).epochs).toEqual([1, 2, 3, 4]);
    expect((await client.listJobs({ status: 'succeeded' })).items.map((j) => j.id)).toContain(created.id);

    const { modelJson, weights } = await client.downloadModel(created.id);
    const model = JSON.parse(modelJson) as { format: string; weightsManifest: { weights: { shape: number[] }[] }[] };
    expect(model.format).toBe('layers-model');
    const floats = model.weightsManifest
      .flatMap((g) => g.weights)
      .reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
    expect(weights.byteLength).toBe(floats * 4);
    const { outputs } = await client.predict(created.id, [[0.1, -0.4]]);
    expect(outputs).toHaveLength(1);
  });

  it('reconnects with Last-Event-ID after the server drops the stream mid-job and misses nothing', async () => {
    const { id } = await client.submitJob(spiralsJob({ epochs: 8, samples: 600 }) as unknown as JobSpec);
    // Watch what the client sends: one request per connection, with its Last-Event-ID.
    const connections: (string | null)[] = [];
    const watched = new TrainyardClient({
      baseUrl: stack.url,
      apiKey: KEY,
      fetch: (input, init) => {
        connections.push(new Headers(init?.headers).get('last-event-id'));
        return fetch(input, init);
      },
    });
    const events: JobServerEvent[] = [];
    let droppedAfter: string | undefined;
    for await (const e of watched.events(id, { retryMs: 50 })) {
      events.push(e);
      if (e.event === 'epoch' && e.data.epoch === 2 && droppedAfter === undefined) {
        droppedAfter = e.id;
        stack.app.server.closeAllConnections(); // every open socket, this stream's included
      }
    }
    expect(droppedAfter).toBeDefined();
    expect(connections.length).toBeGreaterThanOrEqual(2);
    expect(connections[0]).toBeNull();
    expect(connections[1]).toBe(droppedAfter);
    // Exactly the job's stream, in order, each entry once: nothing lost or repeated across the drop.
    const stored = await redis.xrange(`${stack.prefix}:events:${id}`, '-', '+');
    expect(events.map((e) => e.id)).toEqual(stored.map(([entry]) => entry));
    expect(events.flatMap((e) => (e.event === 'epoch' ? [e.data.epoch] : []))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(events.at(-1)!.event).toBe('completed');
  });

  it('surfaces every error answer as a TrainyardError with its catalogue code', async () => {
    const anonymous = new TrainyardClient({ baseUrl: stack.url });
    await expect(anonymous.listJobs()).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    const wrong = new TrainyardClient({ baseUrl: stack.url, apiKey: 'not-the-key-0123456789' });
    await expect(wrong.getJob('job_nope')).rejects.toMatchObject({ status: 401, code: 'INVALID_API_KEY' });
    await expect(wrong.events('job_nope').next()).rejects.toMatchObject({ status: 401, code: 'INVALID_API_KEY' });

    const missing = client.getJob('job_missing00');
    await expect(missing).rejects.toBeInstanceOf(TrainyardError);
    await expect(missing).rejects.toMatchObject({ status: 404, code: 'JOB_NOT_FOUND' });
    await expect(client.events('job_missing00').next()).rejects.toMatchObject({ status: 404, code: 'JOB_NOT_FOUND' });

    const bad = spiralsJob({ epochs: 1 }) as unknown as { model: { config: { layers: { class_name: string }[] } } };
    bad.model.config.layers[1].class_name = 'Lambda';
    await expect(client.submitJob(bad as unknown as JobSpec)).rejects.toMatchObject({
      status: 400,
      code: 'SPEC_UNKNOWN_LAYER',
    });

    const gone = new TrainyardClient({ baseUrl: 'http://127.0.0.1:9' });
    await expect(gone.getJob('job_x')).rejects.toMatchObject({ status: 0, code: 'UNREACHABLE' });
  });
});
