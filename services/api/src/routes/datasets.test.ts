import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { REDIS_URL, testApp, validJob } from '../test-utils/app.js';
import { LIMIT, uploadTo, type UploadRequest } from '../test-utils/datasets.js';

let app: FastifyInstance;
let prefix: string;
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  const a = await testApp({ maxDatasetBytes: LIMIT });
  ({ app, prefix } = a);
  closers.push(a.close);
});
afterAll(async () => {
  for (const c of closers) await c();
});

const upload = (opts: UploadRequest) => uploadTo(app, opts);

describe('GET, list and DELETE /v1/datasets', () => {
  it('lists newest first, a page at a time', async () => {
    const fresh = await testApp();
    closers.push(fresh.close);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fresh.app.inject({
        method: 'POST',
        url: '/v1/datasets',
        payload: { x: [[i]], y: [0], name: `d${i}` },
      });
      ids.push(res.json().id);
      await new Promise((r) => setTimeout(r, 3));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { statusCode: number; json: () => any } = await fresh.app.inject({
        method: 'GET',
        url: `/v1/datasets?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      });
      expect(res.statusCode).toBe(200);
      const page: { items: { id: string }[]; next_cursor: string | null } = res.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((d: { id: string }) => d.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expect((await fresh.app.inject({ method: 'GET', url: '/v1/datasets?limit=0' })).json().error.code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await fresh.app.inject({ method: 'GET', url: '/v1/datasets?limit=1000' })).statusCode).toBe(400);
    expect((await fresh.app.inject({ method: 'GET', url: '/v1/datasets?cursor=%27%20OR%201' })).statusCode).toBe(400);
  });

  it('deletes a dataset and its blobs; unknown and malformed ids are 404 and 400', async () => {
    const { body } = await upload({ payload: { x: [[1], [2]], y: [0, 1] } });
    const redis = new Redis(REDIS_URL);
    try {
      expect((await redis.keys(`${prefix}:blob:datasets/${body.id}/*`)).length).toBeGreaterThan(0);
      const del = await app.inject({ method: 'DELETE', url: `/v1/datasets/${body.id}` });
      expect(del.statusCode).toBe(204);
      expect(await redis.keys(`${prefix}:blob:datasets/${body.id}/*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
    for (const method of ['GET', 'DELETE'] as const) {
      const gone = await app.inject({ method, url: `/v1/datasets/${body.id}` });
      expect(gone.statusCode).toBe(404);
      expect(gone.json().error).toMatchObject({ code: 'DATASET_NOT_FOUND', details: { id: body.id } });
    }
    expect((await app.inject({ method: 'GET', url: '/v1/datasets/not-an-id' })).statusCode).toBe(400);
  });

  it('lists the built-ins with shapes, classes and options', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/datasets/builtin' });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { name: string }[];
    expect(items.find((b) => b.name === 'iris')).toMatchObject({
      kind: 'bundled',
      sample_shape: [4],
      classes: 3,
      samples: 150,
    });
    expect(items.find((b) => b.name === 'spirals')).toMatchObject({
      kind: 'synthetic',
      options: expect.arrayContaining([expect.objectContaining({ name: 'samples' })]),
    });
  });
});

describe('POST /v1/jobs with an uploaded dataset', () => {
  it('queues a job whose model fits the stored shapes, with a test split', async () => {
    const { body: ds } = await upload({
      payload: { x: Array.from({ length: 20 }, (_, i) => [i, -i]), y: Array.from({ length: 20 }, (_, i) => i % 2) },
    });
    const job = validJob();
    job.dataset = { id: ds.id, options: { test_split: 0.2 } };
    const res = await app.inject({ method: 'POST', url: '/v1/jobs', payload: job });
    expect(res.statusCode, res.body).toBe(201);
    expect((await app.queue.getJob(res.json().id))?.data.spec.dataset).toEqual({
      id: ds.id,
      options: { test_split: 0.2 },
    });
  });

  it('refuses an unknown id (404), a model that does not fit (400 naming the layer and both shapes), and a bad option', async () => {
    const { body: ds } = await upload({
      payload: {
        x: [
          [1, 2, 3],
          [4, 5, 6],
        ],
        y: [0, 1],
      },
    });
    const unknown = validJob();
    unknown.dataset = { id: 'ds_doesnotexist' };
    const missing = await app.inject({ method: 'POST', url: '/v1/jobs', payload: unknown });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('DATASET_NOT_FOUND');

    const mismatch = validJob();
    mismatch.dataset = { id: ds.id };
    const res = await app.inject({ method: 'POST', url: '/v1/jobs', payload: mismatch });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('SPEC_SHAPE_MISMATCH');
    expect(res.json().error.message).toMatch(/hidden/);
    expect(res.json().error.message).toMatch(/2\]/);
    expect(res.json().error.message).toMatch(/3\]/);

    const classes = validJob();
    classes.model.config.layers[0].config.batch_input_shape = [null, 3];
    classes.model.config.layers[1].config.units = 5;
    classes.dataset = { id: ds.id };
    const cls = await app.inject({ method: 'POST', url: '/v1/jobs', payload: classes });
    expect([cls.statusCode, cls.json().error.code]).toEqual([400, 'SPEC_SHAPE_MISMATCH']);
    expect(cls.json().error.message).toMatch(/out.*2 classes/);

    const option = validJob();
    option.dataset = { id: ds.id, options: { test_split: 0.9 } };
    expect((await app.inject({ method: 'POST', url: '/v1/jobs', payload: option })).json().error.code).toBe(
      'VALIDATION_FAILED',
    );
  });
});
