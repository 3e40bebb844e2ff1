import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_TENANT, modelBlobKey, type JobSpec } from '@trainyard/contracts';
import { endJob, keys } from '@trainyard/store';
import { modelFromJson, toLayersModel, type Model } from '@trainyard/nn';
import { tensor } from '@trainyard/tensor';
import { newJobId } from '../job-store.js';
import { testApp, validJob } from '../test-utils/app.js';

// The api alone on real Redis: a job record is written as the worker would (a stored model, then
// the completed event), so every route and refusal is checked without training anything.
let app: FastifyInstance;
let close: () => Promise<void>;
let prefix: string;
beforeAll(async () => {
  ({ app, close, prefix } = await testApp({
    predictMaxSamples: 50,
    predictMaxBytes: 20_000,
    modelCacheSize: 2,
    predictThreads: 1,
  }));
});
afterAll(async () => {
  await close();
});

const spec = validJob() as JobSpec;

async function job(
  status: 'queued' | 'running' | 'failed' | 'succeeded',
  opts: { model?: boolean } = {},
): Promise<{ id: string; model?: Model }> {
  const id = newJobId();
  await app.jobs.create(DEFAULT_TENANT, id, spec);
  if (status === 'running') await app.redis.hset(keys.job(prefix, id), 'status', 'running');
  if (status === 'failed')
    await endJob(
      app.redis,
      { prefix, tenant: DEFAULT_TENANT, id },
      {
        type: 'failed',
        error: { code: 'TRAINING_DIVERGED', message: 'loss became NaN' },
      },
    );
  if (status !== 'succeeded') return { id };
  let model: Model | undefined;
  if (opts.model !== false) {
    model = modelFromJson(spec.model, { seed: 3, inputShape: [2] });
    const { modelJson, weightsBin } = toLayersModel(model);
    await app.blobs.put(modelBlobKey(id, 'weights.bin'), weightsBin);
    await app.blobs.put(modelBlobKey(id, 'model.json'), Buffer.from(JSON.stringify(modelJson)));
  }
  await endJob(
    app.redis,
    { prefix, tenant: DEFAULT_TENANT, id },
    { type: 'completed', metrics: { loss: 0.1 }, seconds: 1 },
  );
  return { id, ...(model && { model }) };
}

const predict = (id: string, body: unknown) =>
  app.inject({ method: 'POST', url: `/v1/jobs/${id}/predict`, payload: body as object });
const code = (res: { json: () => any }) => res.json().error.code as string;

describe('GET /v1/jobs/:id/model', () => {
  it('serves model.json (naming weights.bin beside it) and the weights, and redirects the short address', async () => {
    const { id } = await job('succeeded');
    const view = (await app.inject(`/v1/jobs/${id}`)).json();
    expect(view.links).toMatchObject({ model: `/v1/jobs/${id}/model/model.json`, predict: `/v1/jobs/${id}/predict` });

    const redirect = await app.inject(`/v1/jobs/${id}/model`);
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers.location).toBe(`/v1/jobs/${id}/model/model.json`);

    const json = await app.inject(`/v1/jobs/${id}/model/model.json`);
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    const body = json.json();
    expect(body.format).toBe('layers-model');
    expect(body.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(body.modelTopology.config.layers.length).toBe(2);

    const bin = await app.inject(`/v1/jobs/${id}/model/weights.bin`);
    expect(bin.statusCode).toBe(200);
    expect(bin.headers['content-type']).toBe('application/octet-stream');
    expect(bin.rawPayload.length).toBe((2 * 16 + 16 + 16 * 2 + 2) * 4);
  });

  it('answers 404 for an unknown job and 409 MODEL_NOT_READY until the job succeeded', async () => {
    for (const path of ['model', 'model/model.json', 'model/weights.bin']) {
      const res = await app.inject(`/v1/jobs/job_nope/${path}`);
      expect([res.statusCode, code(res)]).toEqual([404, 'JOB_NOT_FOUND']);
    }
    for (const status of ['queued', 'running', 'failed'] as const) {
      const { id } = await job(status);
      for (const path of ['model', 'model/model.json', 'model/weights.bin']) {
        const res = await app.inject(`/v1/jobs/${id}/${path}`);
        expect([res.statusCode, code(res)], `${status} ${path}`).toEqual([409, 'MODEL_NOT_READY']);
        expect(res.json().error.details.status).toBe(status);
      }
      expect((await app.inject(`/v1/jobs/${id}`)).json().links.model).toBeUndefined();
      const p = await predict(id, { x: [[0, 0]] });
      expect([p.statusCode, code(p)]).toEqual([409, 'MODEL_NOT_READY']);
    }
    expect((await app.inject('/v1/jobs/bad id/model/model.json')).statusCode).toBe(400);
    expect((await app.inject(`/v1/jobs/${(await job('succeeded')).id}/model/other.bin`)).statusCode).toBe(404);
  });

  it('says MODEL_NOT_FOUND for a succeeded job with no stored model', async () => {
    const { id } = await job('succeeded', { model: false });
    const res = await app.inject(`/v1/jobs/${id}/model/model.json`);
    expect([res.statusCode, code(res)]).toEqual([404, 'MODEL_NOT_FOUND']);
    const p = await predict(id, { x: [[0, 0]] });
    expect([p.statusCode, code(p)]).toEqual([404, 'MODEL_NOT_FOUND']);
  });
});

describe('POST /v1/jobs/:id/predict', () => {
  it("answers the stored model's outputs, the same as the engine's predict", async () => {
    const { id, model } = await job('succeeded');
    const x = [
      [0.5, -1],
      [2, 3.25],
      [0, 0],
    ];
    const res = await predict(id, { x });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.input_shape).toEqual([2]);
    expect(body.output_shape).toEqual([2]);
    const want = model!.predict(tensor(new Float32Array(x.flat()), [3, 2]));
    expect(body.outputs).toEqual(
      [...want.data].reduce<number[][]>(
        (rows, v, i) => (i % 2 ? rows[rows.length - 1].push(v) : rows.push([v]), rows),
        [],
      ),
    );
  });

  it('refuses bad batches with a code and the path of the first bad value, and keeps serving', async () => {
    const { id } = await job('succeeded');
    const cases: [unknown, number, string, string?][] = [
      [{ x: [[1, 2], [3]] }, 400, 'PREDICT_INVALID_INPUT', '/x/1'],
      [
        {
          x: [
            [1, 2],
            [3, 4],
            [5, 'a'],
          ],
        },
        400,
        'PREDICT_INVALID_INPUT',
        '/x/2/1',
      ],
      [{ x: [[1, null]] }, 400, 'PREDICT_INVALID_INPUT', '/x/0/1'],
      [{ x: [[1, [2]]] }, 400, 'PREDICT_INVALID_INPUT', '/x/0/1'],
      [{ x: [1, 2] }, 400, 'PREDICT_INVALID_INPUT', '/x/0'],
      [{ x: [[[1, 2]]] }, 400, 'PREDICT_INVALID_INPUT', '/x/0'],
      [{ x: [[1, 'NaN']] }, 400, 'PREDICT_INVALID_INPUT', '/x/0/1'],
      [{ x: [[1e39, 0]] }, 400, 'PREDICT_INVALID_INPUT', '/x/0/0'],
      [{ x: [] }, 400, 'VALIDATION_FAILED'],
      [{}, 400, 'VALIDATION_FAILED'],
      [{ x: [[1, 2]], y: 1 }, 400, 'VALIDATION_FAILED'],
      [{ x: 'abc' }, 400, 'VALIDATION_FAILED'],
      [{ x: Array.from({ length: 51 }, () => [0, 0]) }, 413, 'PREDICT_TOO_MANY_SAMPLES', '/x'],
    ];
    for (const [body, status, want, path] of cases) {
      const res = await predict(id, body);
      expect([res.statusCode, code(res)], JSON.stringify(body).slice(0, 80)).toEqual([status, want]);
      if (path) expect(res.json().error.details.path).toBe(path);
    }
    // Bodies JSON cannot carry, or too big for the predict limit (far below the api's 8 MiB).
    const raw = (payload: string) =>
      app.inject({
        method: 'POST',
        url: `/v1/jobs/${id}/predict`,
        headers: { 'content-type': 'application/json' },
        payload,
      });
    const nan = await raw('{"x":[[NaN,1]]}');
    expect([nan.statusCode, code(nan)]).toEqual([400, 'INVALID_JSON']);
    const inf = await raw('{"x":[[1e999,1]]}');
    expect([inf.statusCode, code(inf), inf.json().error.details.path]).toEqual([
      400,
      'PREDICT_INVALID_INPUT',
      '/x/0/0',
    ]);
    const big = await raw(`{"x":[[1,2]]${' '.repeat(20_000)}}`);
    expect([big.statusCode, code(big)]).toEqual([413, 'BODY_TOO_LARGE']);
    const unknown = await predict('job_nope', { x: [[0, 0]] });
    expect([unknown.statusCode, code(unknown)]).toEqual([404, 'JOB_NOT_FOUND']);

    const ok = await predict(id, { x: Array.from({ length: 50 }, (_, i) => [i / 10, -i / 10]) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().outputs).toHaveLength(50);
  });

  it('keeps a bounded number of loaded models, least recently used evicted', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await job('succeeded')).id);
    for (const id of [ids[0], ids[1], ids[0], ids[2]])
      expect((await predict(id, { x: [[1, 1]] })).statusCode).toBe(200);
    expect(app.models.keys()).toEqual([ids[0], ids[2]]);
  });
});

describe('DELETE /v1/jobs/:id', () => {
  it("removes the job's stored model", async () => {
    const { id } = await job('succeeded');
    expect((await predict(id, { x: [[1, 1]] })).statusCode).toBe(200);
    expect(app.models.keys()).toContain(id);
    expect((await app.inject({ method: 'DELETE', url: `/v1/jobs/${id}` })).statusCode).toBe(204);
    expect(await app.blobs.has(modelBlobKey(id, 'model.json'))).toBe(false);
    expect(await app.blobs.has(modelBlobKey(id, 'weights.bin'))).toBe(false);
    expect(app.models.keys()).not.toContain(id);
    const res = await app.inject(`/v1/jobs/${id}/model/model.json`);
    expect([res.statusCode, code(res)]).toEqual([404, 'JOB_NOT_FOUND']);
  });
});
