import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { parseApiKeys } from '../config.js';
import { testApp, validJob } from '../test-utils/app.js';
import { TEST_KEYS } from '../test-utils/keys.js';

const { sweepA: A, sweepB: B } = TEST_KEYS;
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

let app: FastifyInstance;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ app, close } = await testApp({ apiKeys: parseApiKeys(`a:${A},b:${B}`), maxSweepTrials: 6 }));
});
afterAll(async () => {
  await close();
});

/** A valid grid sweep over validJob (spirals, 2 epochs): 2 learning rates × 2 widths. */
function sweep(over: Record<string, unknown> = {}): Record<string, any> {
  const base = validJob();
  base.compile.optimizer = { class_name: 'Adam', config: { learning_rate: 0.01 } };
  return {
    base,
    method: 'grid',
    parameters: {
      '/compile/optimizer/config/learning_rate': [0.001, 0.01],
      '/model/config/layers/0/config/units': [4, 8],
    },
    metric: 'val_loss',
    mode: 'min',
    ...over,
  };
}

async function post(body: unknown, key = A) {
  const res = await app.inject({ method: 'POST', url: '/v1/sweeps', payload: body as object, headers: auth(key) });
  return { status: res.statusCode, body: res.json() };
}

async function get(url: string, key = A) {
  const res = await app.inject({ method: 'GET', url, headers: auth(key) });
  return { status: res.statusCode, body: res.json() };
}

describe('POST /v1/sweeps', () => {
  it('queues a grid as a flow: one job per combination, children of the sweep parent', async () => {
    const { status, body } = await post(sweep());
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body.id).toMatch(/^swp_/);
    expect(body.links).toEqual({
      self: `/v1/sweeps/${body.id}`,
      events: `/v1/sweeps/${body.id}/events`,
      cancel: `/v1/sweeps/${body.id}/cancel`,
    });
    expect(body.trials.map((t: any) => t.params)).toEqual([
      { '/compile/optimizer/config/learning_rate': 0.001, '/model/config/layers/0/config/units': 4 },
      { '/compile/optimizer/config/learning_rate': 0.001, '/model/config/layers/0/config/units': 8 },
      { '/compile/optimizer/config/learning_rate': 0.01, '/model/config/layers/0/config/units': 4 },
      { '/compile/optimizer/config/learning_rate': 0.01, '/model/config/layers/0/config/units': 8 },
    ]);
    // Each trial is an ordinary job whose spec carries its values, queued as a child of the sweep.
    const third = body.trials[3];
    const job = await get(`/v1/jobs/${third.job_id}`);
    expect(job.status).toBe(200);
    expect(job.body.status).toBe('queued');
    expect(job.body.spec.compile.optimizer.config.learning_rate).toBe(0.01);
    expect(job.body.spec.model.config.layers[0].config.units).toBe(8);
    const queued = await app.queue.getJob(third.job_id);
    expect(queued?.parent?.id).toBe(body.id);
    expect(queued?.opts.ignoreDependencyOnFailure).toBe(true);

    const view = await get(`/v1/sweeps/${body.id}`);
    expect(view.body).toMatchObject({ id: body.id, status: 'queued', method: 'grid', metric: 'val_loss', mode: 'min' });
    expect(view.body.trials).toHaveLength(4);
    expect(view.body.ranking).toBeUndefined();
    const list = await get('/v1/sweeps');
    expect(list.body.items.map((s: any) => s.id)).toContain(body.id);
    expect(list.body.items.find((s: any) => s.id === body.id).trial_count).toBe(4);
  });

  it('draws the same random trials for the same seed, and different ones for another', async () => {
    const random = (seed: number) =>
      sweep({
        method: 'random',
        trials: 3,
        seed,
        parameters: {
          '/compile/optimizer/config/learning_rate': { min: 1e-4, max: 1e-1, scale: 'log' },
          '/fit/batch_size': { min: 8, max: 64, integer: true },
          '/model/config/layers/0/config/activation': ['relu', 'tanh'],
        },
      });
    const params = async (seed: number) => (await post(random(seed))).body.trials.map((t: any) => t.params);
    const first = await params(42);
    expect(await params(42)).toEqual(first);
    expect(await params(43)).not.toEqual(first);
    for (const p of first) {
      expect(p['/compile/optimizer/config/learning_rate']).toBeGreaterThanOrEqual(1e-4);
      expect(p['/compile/optimizer/config/learning_rate']).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(p['/fit/batch_size'])).toBe(true);
      expect(['relu', 'tanh']).toContain(p['/model/config/layers/0/config/activation']);
    }
  });

  // Every bad sweep is refused before anything is queued, with a code and the place named.
  const table: [string, Record<string, unknown>, number, string, RegExp, Record<string, unknown>?][] = [
    [
      'an unknown pointer',
      { parameters: { '/fit/batch_sise': [8, 16] } },
      400,
      'SWEEP_INVALID_PARAMETER',
      /\/fit\/batch_sise.*no "batch_sise" at \/fit/,
      { pointer: '/fit/batch_sise' },
    ],
    [
      'a pointer past an array',
      { parameters: { '/model/config/layers/5/config/units': [1] } },
      400,
      'SWEEP_INVALID_PARAMETER',
      /no "5"/,
    ],
    [
      'a pointer into the dataset',
      { parameters: { '/dataset/options/samples': [100, 200] } },
      400,
      'SWEEP_INVALID_PARAMETER',
      /\/dataset\/options\/samples.*only values under/,
      { pointer: '/dataset/options/samples' },
    ],
    [
      'a pointer that is not one',
      { parameters: { 'fit/epochs': [1] } },
      400,
      'SWEEP_INVALID_PARAMETER',
      /JSON pointer/,
    ],
    ['an empty value list', { parameters: { '/fit/batch_size': [] } }, 400, 'VALIDATION_FAILED', /parameters/],
    [
      'a range in a grid',
      { parameters: { '/fit/batch_size': { min: 8, max: 16 } } },
      400,
      'SWEEP_INVALID_PARAMETER',
      /ranges.*random/,
    ],
    [
      'min above max',
      { method: 'random', parameters: { '/fit/batch_size': { min: 16, max: 8 } } },
      400,
      'SWEEP_INVALID_PARAMETER',
      /min \(16\).*max \(8\)/,
    ],
    [
      'a log range from 0',
      { method: 'random', parameters: { '/compile/optimizer/config/learning_rate': { min: 0, max: 1, scale: 'log' } } },
      400,
      'SWEEP_INVALID_PARAMETER',
      /log.*min > 0/,
    ],
    [
      'a grid over the trial limit',
      { parameters: { '/fit/batch_size': [8, 16, 32], '/fit/epochs': [1, 2, 3] } },
      400,
      'SWEEP_TOO_MANY_TRIALS',
      /9 combinations.*at most 6/,
    ],
    [
      'random trials over the limit',
      { method: 'random', trials: 7, parameters: { '/fit/batch_size': [8, 16] } },
      400,
      'SWEEP_TOO_MANY_TRIALS',
      /7 trials.*at most 6/,
    ],
    [
      'a trial that breaks the schema',
      { parameters: { '/fit/batch_size': [16, 3.5] } },
      400,
      'VALIDATION_FAILED',
      /Trial 1.*\/fit\/batch_size/,
      { trial: 1, path: '/fit/batch_size' },
    ],
    [
      'a trial whose model does not fit the data',
      { parameters: { '/model/config/layers/1/config/units': [2, 3] } },
      400,
      'SPEC_SHAPE_MISMATCH',
      /Trial 1.*3/,
      { trial: 1, path: '/model' },
    ],
    [
      'a trial the engine refuses',
      { parameters: { '/model/config/layers/0/config/units': [4, -1] } },
      400,
      'SPEC_INVALID_LAYER_CONFIG',
      /Trial 1.*units/,
      { trial: 1 },
    ],
    [
      'a metric no trial logs',
      { metric: 'val_auc' },
      400,
      'SWEEP_UNKNOWN_METRIC',
      /val_auc.*loss, accuracy, val_loss, val_accuracy/,
      { path: '/metric' },
    ],
  ];
  it.each(
    table.map(([name, over, status, code, message, details]) => ({ name, over, status, code, message, details })),
  )('$name → $status $code', async ({ over, status, code, message, details }) => {
    const before = (await get('/v1/jobs?limit=100')).body.items.length;
    const res = await post(sweep(over));
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(message);
    if (details) expect(res.body.error.details).toMatchObject(details);
    expect((await get('/v1/jobs?limit=100')).body.items.length).toBe(before);
  });

  it("checks every trial against an uploaded dataset's shapes, and only the tenant's own dataset", async () => {
    const x = Array.from({ length: 20 }, (_, i) => [i / 20, 1 - i / 20]);
    const y = x.map((_, i) => i % 2);
    const upload = await app.inject({
      method: 'POST',
      url: '/v1/datasets',
      payload: { x, y, name: 'tiny' },
      headers: auth(A),
    });
    expect(upload.statusCode, upload.body).toBe(201);
    const body = sweep();
    body.base.dataset = { id: upload.json().id };
    expect((await post(body)).status).toBe(201);
    const wrongWidth = await post({ ...body, parameters: { '/model/config/layers/1/config/units': [2, 5] } });
    expect(wrongWidth.status).toBe(400);
    expect(wrongWidth.body.error).toMatchObject({ code: 'SPEC_SHAPE_MISMATCH', details: { trial: 1 } });
    const other = await post(body, B);
    expect(other.status).toBe(404);
    expect(other.body.error).toMatchObject({ code: 'DATASET_NOT_FOUND', details: { path: '/base/dataset/id' } });
  });

  it('accepts test_* of a logged value as the metric', async () => {
    const body = sweep({ metric: 'test_accuracy', mode: 'max' });
    body.base.dataset = { builtin: 'iris' };
    body.base.model.config.layers[0].config.batch_input_shape = [null, 4];
    body.base.model.config.layers[1].config.units = 3;
    expect((await post(body)).status).toBe(201);
  });
});

describe('sweeps and tenants', () => {
  it("hides one tenant's sweep from another", async () => {
    const { body } = await post(sweep());
    for (const url of [`/v1/sweeps/${body.id}`, `/v1/sweeps/${body.id}/events`]) {
      const res = await get(url, B);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('SWEEP_NOT_FOUND');
    }
    const cancel = await app.inject({ method: 'POST', url: `/v1/sweeps/${body.id}/cancel`, headers: auth(B) });
    expect(cancel.statusCode).toBe(404);
    expect((await get('/v1/sweeps', B)).body.items).toEqual([]);
    expect((await get(`/v1/sweeps/${body.id}`)).status).toBe(200);
  });

  it('asks for an API key, also taking it as ?access_token= on the stream', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/sweeps' })).statusCode).toBe(401);
    const res = await app.inject({ method: 'GET', url: `/v1/sweeps/swp_missing/events?access_token=${B}` });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('SWEEP_NOT_FOUND');
  });
});

describe('the active-job limit', () => {
  it('counts every trial, and queues a sweep whole or not at all', async () => {
    const limited = await testApp({ maxActiveJobs: 5 });
    try {
      const send = (body: unknown) =>
        limited.app.inject({ method: 'POST', url: '/v1/sweeps', payload: body as object });
      const single = await limited.app.inject({ method: 'POST', url: '/v1/jobs', payload: validJob() });
      expect(single.statusCode).toBe(201);
      const tooMany = await send(sweep({ parameters: { '/fit/batch_size': [8, 16, 32, 64, 128] } }));
      expect(tooMany.statusCode).toBe(429);
      expect(tooMany.json().error).toMatchObject({ code: 'TOO_MANY_ACTIVE_JOBS', details: { limit: 5, trials: 5 } });
      // Nothing of the refused sweep remains: no trial records, no sweep, nothing on the queue.
      const jobs = await limited.app.inject({ method: 'GET', url: '/v1/jobs' });
      expect(jobs.json().items).toHaveLength(1);
      expect((await limited.app.inject({ method: 'GET', url: '/v1/sweeps' })).json().items).toEqual([]);
      expect(await limited.app.queue.getWaitingCount()).toBe(1);
      expect((await send(sweep())).statusCode).toBe(201); // 1 + 4 fits
    } finally {
      await limited.close();
    }
  });
});

describe('POST /v1/sweeps/:id/cancel', () => {
  it('cancels every queued trial at once', async () => {
    const { body } = await post(sweep());
    const res = await app.inject({ method: 'POST', url: `/v1/sweeps/${body.id}/cancel`, headers: auth(A) });
    expect(res.statusCode).toBe(202); // the sweep itself ends when the sweep worker ranks it
    expect(res.json().trials.map((t: any) => t.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    for (const t of body.trials) expect(await app.queue.getJob(t.job_id)).toBeUndefined();
  });
});
