import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareStreamIds, readSse, type SseEvent } from './sse.js';
import { getJson, postJson, settledJob, startStack, type Stack } from './stack.js';
import { mlp, spiralsJob } from './fixtures.js';

const data = (e: SseEvent) => e.data as Record<string, any>;

describe('the worker', () => {
  let stack: Stack;
  let emptyDir: string;
  beforeAll(async () => {
    emptyDir = await mkdtemp(join(tmpdir(), 'no-fashion-'));
    stack = await startStack({ worker: { fashionMnistDir: emptyDir } });
  });
  afterAll(async () => {
    await stack.close();
    await rm(emptyDir, { recursive: true, force: true });
  });

  it('trains in a worker thread: the api answers while it trains and batch events are throttled', async () => {
    const spec = spiralsJob({ epochs: 30, samples: 12000 });
    const { body } = await postJson(`${stack.url}/v1/jobs`, spec);
    const reading = readSse(`${stack.url}${body.links.events}`, { timeoutMs: 120_000 });
    // The main thread (the api, and the worker that renews BullMQ's lock) is not the one training:
    // requests complete while the job runs, at several different epochs of it.
    const answeredAt = new Set<number>();
    for (;;) {
      const job = await getJson(`${stack.url}/v1/jobs/${body.id}`);
      if (['succeeded', 'failed', 'cancelled'].includes(job.status)) break;
      if (job.status === 'running') answeredAt.add(job.epoch ?? 0);
      await new Promise((r) => setTimeout(r, 20));
    }
    const { events } = await reading;
    expect(events.at(-1)!.event).toBe('completed');
    expect(answeredAt.size).toBeGreaterThanOrEqual(2);
    const seconds = data(events.at(-1)!).seconds as number;

    // Batch events exist, carry progress, and are throttled to about one per 250 ms: the count
    // bounds the rate; the gaps (Redis's clock, so they carry the jitter of each XADD's trip under
    // load) only have to show that no two batches went out back to back.
    const batches = events.filter((e) => e.event === 'batch');
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches) {
      expect(data(b).batch).toBeGreaterThanOrEqual(1);
      expect(data(b).batch).toBeLessThanOrEqual(data(b).batches);
      expect(Number.isFinite(data(b).logs.loss)).toBe(true);
    }
    const times = batches.map((b) => Number(b.id.split('-')[0]));
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(125);
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(seconds * 4) + 1);
    // Epoch events are never throttled.
    expect(events.filter((e) => e.event === 'epoch')).toHaveLength(30);
    const job = await getJson(`${stack.url}/v1/jobs/${body.id}`);
    expect(job.attempts).toBe(1);
  });

  it('fails a Fashion-MNIST job with install instructions when the files are missing, without retrying', async () => {
    const spec = {
      model: {
        class_name: 'Sequential',
        config: {
          layers: [
            { class_name: 'Flatten', config: { batch_input_shape: [null, 28, 28] } },
            { class_name: 'Dense', config: { units: 10, activation: 'softmax' } },
          ],
        },
      },
      compile: { optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] },
      fit: { epochs: 1, batch_size: 128 },
      dataset: { builtin: 'fashion-mnist' },
    };
    const { status, body } = await postJson(`${stack.url}/v1/jobs`, spec);
    expect(status).toBe(201);
    const { events } = await readSse(`${stack.url}${body.links.events}`);
    const last = events.at(-1)!;
    expect(last.event).toBe('failed');
    expect(data(last).error.code).toBe('DATASET_NOT_INSTALLED');
    expect(data(last).error.message).toMatch(/apt-get install dataset-fashion-mnist/);
    expect(data(last).error.message).toMatch(/FASHION_MNIST_DIR/);
    const job = await getJson(`${stack.url}/v1/jobs/${body.id}`);
    expect(job).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'DATASET_NOT_INSTALLED' } });
    // BullMQ records the attempt once the job's thread has exited, just after the terminal event.
    const queued = await settledJob(stack, body.id);
    expect(queued?.attemptsMade).toBe(1);
    expect(await queued?.getState()).toBe('failed');
  });

  it('fails a diverging job with TRAINING_DIVERGED', async () => {
    const spec = {
      model: mlp(2, [32], 2),
      compile: {
        optimizer: { class_name: 'SGD', config: { learning_rate: 1e30 } },
        loss: 'mean_squared_error',
        metrics: ['accuracy'],
      },
      fit: { epochs: 5, batch_size: 8 },
      dataset: {
        inline: {
          x: Array.from({ length: 64 }, (_, i) => [i, -i]),
          y: Array.from({ length: 64 }, (_, i) => [i % 2, 1 - (i % 2)]),
        },
      },
    };
    const { status, body } = await postJson(`${stack.url}/v1/jobs`, spec);
    expect(status).toBe(201);
    const { events } = await readSse(`${stack.url}${body.links.events}`);
    expect(events.at(-1)!.event).toBe('failed');
    expect(data(events.at(-1)!).error.code).toBe('TRAINING_DIVERGED');
    expect(events.filter((e) => ['completed', 'failed', 'cancelled'].includes(e.event))).toHaveLength(1);
  });

  it('keeps the stream in order across many jobs on several workers', async () => {
    stack.addWorker();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push((await postJson(`${stack.url}/v1/jobs`, spiralsJob({ epochs: 3, samples: 300, seed: i }))).body.id);
    const streams = await Promise.all(ids.map((id) => readSse(`${stack.url}/v1/jobs/${id}/events`)));
    for (const { events } of streams) {
      expect(events.at(-1)!.event).toBe('completed');
      expect(events.filter((e) => e.event === 'epoch').map((e) => data(e).epoch)).toEqual([1, 2, 3]);
      for (let i = 1; i < events.length; i++) expect(compareStreamIds(events[i - 1].id, events[i].id)).toBeLessThan(0);
    }
  });
});
