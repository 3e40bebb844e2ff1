import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { JobSpec } from '@trainyard/contracts';
import { parseApiKeys } from '../config.js';
import { testApp, validJob } from '../test-utils/app.js';
import { TEST_KEYS } from '../test-utils/keys.js';

const { summaryAlpha: KEY_A, summaryBravo: KEY_B } = TEST_KEYS;
const as = (key: string) => ({ authorization: `Bearer ${key}` });

let app: FastifyInstance;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ app, close } = await testApp({ apiKeys: parseApiKeys(`alpha:${KEY_A},bravo:${KEY_B}`) }));
});
afterAll(async () => {
  await close();
});

async function submit(body: Record<string, any>, key = KEY_A): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/v1/jobs', headers: as(key), payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

describe('GET /v1/jobs/:id/summary', () => {
  it("lists the model's layers with output shapes, params, units and activations", async () => {
    const id = await submit(validJob());
    const res = await app.inject({ method: 'GET', url: `/v1/jobs/${id}/summary`, headers: as(KEY_A) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      name: 'mlp',
      kind: 'sequential',
      input_shape: [null, 2],
      output_shape: [null, 2],
      layers: [
        // Each layer's share of the job's resource estimate (checked in jobs-estimate.test.ts).
        {
          name: 'hidden',
          class_name: 'Dense',
          output_shape: [null, 16],
          params: 48,
          units: 16,
          activation: 'relu',
          activation_bytes: expect.any(Number),
          flops_per_sample: 80,
        },
        {
          name: 'out',
          class_name: 'Dense',
          output_shape: [null, 2],
          params: 34,
          units: 2,
          activation: 'softmax',
          activation_bytes: expect.any(Number),
          flops_per_sample: 66,
        },
      ],
      total_params: 82,
      estimate: { memory_bytes: expect.any(Number), flops_per_epoch: expect.any(Number), params: 82 },
    });
  });

  it('takes the input shape from the dataset when the model declares none, and matches unnamed layers by position', async () => {
    const body = validJob();
    body.model.config.layers = [
      { class_name: 'Dense', config: { units: 8, activation: 'tanh' } },
      { class_name: 'Dense', config: { units: 2, activation: 'softmax' } },
    ];
    const id = await submit(body);
    const res = await app.inject({ method: 'GET', url: `/v1/jobs/${id}/summary`, headers: as(KEY_A) });
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s.input_shape).toEqual([null, 2]);
    expect(s.layers.map((l: any) => [l.units, l.activation, l.params])).toEqual([
      [8, 'tanh', 24],
      [2, 'softmax', 18],
    ]);
  });

  it('is a 400 for a malformed id, a 404 for an unknown one and for another tenant’s job, a 401 without a key', async () => {
    const bad = await app.inject({ method: 'GET', url: '/v1/jobs/not-a-job/summary', headers: as(KEY_A) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');

    const unknown = await app.inject({ method: 'GET', url: '/v1/jobs/job_doesnotexist/summary', headers: as(KEY_A) });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'JOB_NOT_FOUND', details: { id: 'job_doesnotexist' } });

    const id = await submit(validJob());
    const other = await app.inject({ method: 'GET', url: `/v1/jobs/${id}/summary`, headers: as(KEY_B) });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('JOB_NOT_FOUND');

    const anonymous = await app.inject({ method: 'GET', url: `/v1/jobs/${id}/summary` });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('UNAUTHENTICATED');
  });
});

describe('GET /v1/jobs/:id/summary of a job whose spec or data changed since it was accepted', () => {
  const summaryOf = (id: string) => app.inject({ method: 'GET', url: `/v1/jobs/${id}/summary`, headers: as(KEY_A) });

  async function jobOnUpload(layers: unknown[]): Promise<{ id: string; dataset: string }> {
    const upload = await app.inject({
      method: 'POST',
      url: '/v1/datasets',
      headers: as(KEY_A),
      payload: {
        x: [
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 1],
        ],
        y: [0, 1, 1, 0],
      },
    });
    expect(upload.statusCode, upload.body).toBe(201);
    const body = validJob();
    body.model.config.layers = layers;
    body.dataset = { id: upload.json().id };
    body.fit.validation_split = 0.25;
    return { id: await submit(body), dataset: upload.json().id };
  }
  const deleteDataset = async (id: string) =>
    expect((await app.inject({ method: 'DELETE', url: `/v1/datasets/${id}`, headers: as(KEY_A) })).statusCode).toBe(
      204,
    );

  it('still lists a model that declares its input shape once its upload is deleted, without the estimate', async () => {
    const { id, dataset } = await jobOnUpload(validJob().model.config.layers);
    expect((await summaryOf(id)).json().estimate).toBeDefined();
    await deleteDataset(dataset);
    const res = await summaryOf(id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().input_shape).toEqual([null, 2]);
    expect(res.json().total_params).toBe(82);
    expect(res.json().estimate).toBeUndefined();
  });

  it('is a 404 DATASET_NOT_FOUND when the model took its input shape from the deleted upload', async () => {
    const { id, dataset } = await jobOnUpload([
      { class_name: 'Dense', config: { units: 8, activation: 'tanh' } },
      { class_name: 'Dense', config: { units: 2, activation: 'softmax' } },
    ]);
    await deleteDataset(dataset);
    const res = await summaryOf(id);
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'DATASET_NOT_FOUND', details: { id: dataset } });
    expect(res.json().error.message).toContain(`job ${id} was trained on it`);
  });

  it("answers the check's coded 400 for a stored spec the checks no longer pass, instead of a summary without the estimate", async () => {
    // Written past POST /v1/jobs, as a record from before a check was added would be: 3 units for 2 classes.
    const spec = validJob();
    spec.model.config.layers[1].config.units = 3;
    const id = `job_summary${Date.now()}`;
    await app.jobs.create('alpha', id, spec as JobSpec);
    const res = await summaryOf(id);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'SPEC_SHAPE_MISMATCH', details: { path: '/model', classes: 2 } });
  });
});

describe('the dashboard files', () => {
  it('serves the page, its module and its stylesheet without a key, with a strict CSP', async () => {
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('<script type="module" src="/dashboard/app.js">');
    const js = await app.inject({ method: 'GET', url: '/dashboard/app.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toContain('new EventSource(');
    const css = await app.inject({ method: 'GET', url: '/dashboard/style.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await app.inject({ method: 'GET', url: '/dashboard/other.js' })).statusCode).toBe(404);
  });
});
