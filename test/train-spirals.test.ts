import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse, strictlyIncreasing, type SseEvent } from './sse.js';
import { getJson, postJson, startStack, type Stack } from './stack.js';
import { spiralsJob } from './fixtures.js';

type Data = Record<string, any>;
const data = (e: SseEvent) => e.data as Data;

describe('one training job, end to end', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('trains an MLP on spirals over HTTP and streams it to the end', async () => {
    const created = await postJson(`${stack.url}/v1/jobs`, spiralsJob());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'queued', links: { self: `/v1/jobs/${created.body.id}` } });
    const id: string = created.body.id;

    const { events, ended, headers } = await readSse(`${stack.url}${created.body.links.events}`);
    expect(headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(ended).toBe(true);

    // Every event repeats its SSE type in the data, and ids are strictly increasing stream ids.
    for (const e of events) expect(data(e).type).toBe(e.event);
    expect(strictlyIncreasing(events.map((e) => e.id))).toBe(true);

    expect(events[0].event).toBe('status');
    expect(data(events[0]).status).toBe('queued');
    expect(events.some((e) => e.event === 'status' && data(e).status === 'running')).toBe(true);

    const epochs = events.filter((e) => e.event === 'epoch').map(data);
    expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (const e of epochs) {
      expect(Object.keys(e.logs).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
      expect(e.seconds).toBeGreaterThan(0);
      expect(e.samples_per_second).toBeGreaterThan(0);
    }
    // Loss falls: the last epoch is far below the first, and the tail is below the head.
    expect(epochs.at(-1)!.logs.loss).toBeLessThan(epochs[0].logs.loss * 0.5);

    const terminal = events.filter((e) => ['completed', 'failed', 'cancelled'].includes(e.event));
    expect(terminal).toHaveLength(1);
    expect(events.at(-1)!.event).toBe('completed');
    const final = data(events.at(-1)!).metrics;
    expect(final.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(final.val_accuracy).toBeGreaterThanOrEqual(0.95);

    const job = await getJson(`${stack.url}/v1/jobs/${id}`);
    expect(job).toMatchObject({ id, status: 'succeeded', attempts: 1, epoch: 40 });
    expect(job.metrics).toEqual(final);
    expect(Date.parse(job.finished_at)).toBeGreaterThanOrEqual(Date.parse(job.started_at));
  });

  it('gives the same result for the same seed', async () => {
    const spec = spiralsJob({ epochs: 3, samples: 300, seed: 11 });
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const { body } = await postJson(`${stack.url}/v1/jobs`, spec);
      const { events } = await readSse(`${stack.url}${body.links.events}`);
      runs.push(events.filter((e) => e.event === 'epoch').map((e) => data(e).logs));
    }
    expect(runs[0]).toHaveLength(3);
    expect(runs[1]).toEqual(runs[0]);
    const other = await postJson(`${stack.url}/v1/jobs`, { ...spec, seed: 12 });
    const { events } = await readSse(`${stack.url}${other.body.links.events}`);
    expect(events.filter((e) => e.event === 'epoch').map((e) => data(e).logs)).not.toEqual(runs[0]);
  });
});
