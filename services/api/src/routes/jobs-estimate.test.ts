import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../config.js';
import { testApp, validJob } from '../test-utils/app.js';

// Issue 13's memory bombs: each must be refused before anything is queued, with the estimate.
let app: FastifyInstance;
let close: () => Promise<void>;
const LIMIT = 4 * 2 ** 30;

beforeAll(async () => {
  ({ app, close } = await testApp({ maxJobBytes: LIMIT }));
});
afterAll(async () => {
  await close();
});

async function post(url: string, payload: unknown, on = app) {
  const res = await on.inject({ method: 'POST', url, payload: payload as object });
  return { status: res.statusCode, body: res.json() };
}

// Queue entries and job records, to compare before and after a refusal.
async function queued(on = app): Promise<[number, number]> {
  const counts = await on.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
  const records = (await on.inject({ method: 'GET', url: '/v1/jobs?limit=100' })).json().items.length;
  return [Object.values(counts).reduce((a, b) => a + b, 0), records];
}

// Dense 4400 → 4400 on 100,000 two-feature spirals in batches of 65,536: 19.4 M parameters, under
// the parameter limit, but every [65536, 4400] activation is 1.15 GB.
function activationBomb(): Record<string, any> {
  const job = validJob();
  job.model.config.layers = [
    { class_name: 'Dense', config: { name: 'wide', units: 4400, activation: 'relu', batch_input_shape: [null, 2] } },
    { class_name: 'Dense', config: { name: 'wider', units: 4400, activation: 'relu' } },
    { class_name: 'Dense', config: { name: 'out', units: 2, activation: 'softmax' } },
  ];
  job.fit = { epochs: 1, batch_size: 65536 };
  job.dataset = { builtin: 'spirals', options: { samples: 100_000 } };
  return job;
}

describe('the resource estimate before queueing', () => {
  it('refuses AUC with a billion thresholds (400 SPEC_INVALID_METRIC_CONFIG) and queues nothing', async () => {
    const job = validJob();
    job.compile.metrics = ['accuracy', { class_name: 'AUC', config: { num_thresholds: 1_000_000_000 } }];
    const before = await queued();
    const { status, body } = await post('/v1/jobs', job);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      code: 'SPEC_INVALID_METRIC_CONFIG',
      details: { path: '/compile/metrics/1/config/num_thresholds' },
    });
    expect(body.error.message).toMatch(/at most 10000/);
    expect(await queued()).toEqual(before);
  });

  it('refuses the Dense 4400 × batch 65536 activation bomb (400 JOB_MEMORY_TOO_LARGE with the estimate) and queues nothing', async () => {
    const before = await queued();
    const { status, body } = await post('/v1/jobs', activationBomb());
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'JOB_MEMORY_TOO_LARGE', details: { path: '/fit/batch_size' } });
    const { estimate, limit } = body.error.details;
    expect(limit).toBe(LIMIT);
    expect(estimate.memory_bytes).toBeGreaterThan(LIMIT);
    expect(estimate.params).toBe(2 * 4400 + 4400 + 4400 * 4400 + 4400 + 4400 * 2 + 2);
    // The activations dominate, and the widest layers top the list.
    expect(Object.entries(estimate.bytes).sort((a: any, b: any) => b[1] - a[1])[0][0]).toBe('activations');
    expect(
      estimate.top_layers
        .slice(0, 2)
        .map((l: any) => l.layer)
        .sort(),
    ).toEqual(['wide', 'wider']);
    expect(estimate.top_layers[0].activation_bytes).toBeGreaterThan(2 * 65536 * 4400 * 4);
    expect(body.error.message).toMatch(/GiB.*limit is 4\.00 GiB/);
    expect(await queued()).toEqual(before);
  });

  it('shows the estimate in the job record of an ordinary job', async () => {
    const { status, body } = await post('/v1/jobs', validJob());
    expect(status).toBe(201);
    const view = (await app.inject({ method: 'GET', url: `/v1/jobs/${body.id}` })).json();
    // Dense 2→16 and 16→2.
    expect(view.estimate.params).toBe(2 * 16 + 16 + 16 * 2 + 2);
    expect(view.estimate.memory_bytes).toBeGreaterThan(view.estimate.params * 4 * 4); // weights, gradients, Adam's two slots
    expect(view.estimate.memory_bytes).toBeLessThan(LIMIT);
    expect(view.estimate.flops_per_epoch).toBeGreaterThan(0);
  });

  it("shows where the memory goes in the job's summary: each layer's share, and the record's estimate", async () => {
    const { body } = await post('/v1/jobs', validJob());
    const view = (await app.inject({ method: 'GET', url: `/v1/jobs/${body.id}` })).json();
    const summary = (await app.inject({ method: 'GET', url: `/v1/jobs/${body.id}/summary` })).json();
    expect(summary.estimate).toEqual(view.estimate);
    const [hidden, out] = summary.layers;
    // Dense 2→16 relu at batch 32: x·W, + bias, relu kept, and two gradients of [32, 16].
    expect(hidden).toMatchObject({
      name: 'hidden',
      activation_bytes: 5 * 16 * 32 * 4,
      flops_per_sample: 2 * 2 * 16 + 16,
    });
    expect(out.flops_per_sample).toBe(2 * 16 * 2 + 2);
  });

  it('holds the limit exactly: a job of the limit passes, a byte less refuses it', async () => {
    const first = await post('/v1/jobs', validJob());
    const { memory_bytes: bytes } = (await app.inject({ method: 'GET', url: `/v1/jobs/${first.body.id}` })).json()
      .estimate;
    for (const [limit, expected] of [
      [bytes, 201],
      [bytes - 1, 400],
    ] as const) {
      const t = await testApp({ maxJobBytes: limit });
      try {
        const r = await post('/v1/jobs', validJob(), t.app);
        expect(r.status).toBe(expected);
        if (expected === 400)
          expect(r.body.error).toMatchObject({
            code: 'JOB_MEMORY_TOO_LARGE',
            details: { limit, estimate: { memory_bytes: bytes } },
          });
      } finally {
        await t.close();
      }
    }
  });

  it('refuses more estimated FLOPs than TRAINYARD_MAX_JOB_FLOPS (400 JOB_COMPUTE_TOO_LARGE)', async () => {
    // validJob: 160 training and 40 validation samples of 146 forward FLOPs each, two epochs.
    const t = await testApp({ maxJobFlops: 1e5 });
    try {
      const r = await post('/v1/jobs', validJob(), t.app);
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({
        code: 'JOB_COMPUTE_TOO_LARGE',
        details: { path: '/fit/epochs', limit: 1e5 },
      });
      // Two epochs of the per-epoch estimate.
      expect(r.body.error.details.flops).toBe(2 * r.body.error.details.estimate.flops_per_epoch);
      expect(await queued(t.app)).toEqual([0, 0]);
    } finally {
      await t.close();
    }
  });

  it('checks every sweep trial: one bomb among them refuses the sweep, naming the trial, and queues nothing', async () => {
    const base = activationBomb();
    base.fit.validation_split = 0.2;
    const before = await queued();
    const r = await post('/v1/sweeps', {
      base,
      method: 'grid',
      parameters: { '/fit/batch_size': [32, 65536] },
      metric: 'val_loss',
      mode: 'min',
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({
      code: 'JOB_MEMORY_TOO_LARGE',
      details: { trial: 1, params: { '/fit/batch_size': 65536 }, limit: LIMIT },
    });
    expect(await queued()).toEqual(before);
  });

  it("keeps each sweep trial's own estimate in its job record", async () => {
    const base = validJob();
    const r = await post('/v1/sweeps', {
      base,
      method: 'grid',
      parameters: { '/fit/batch_size': [8, 128] },
      metric: 'val_loss',
      mode: 'min',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const views = await Promise.all(
      r.body.trials.map(async (t: any) => (await app.inject({ method: 'GET', url: `/v1/jobs/${t.job_id}` })).json()),
    );
    const [small, large] = views.map((v) => v.estimate);
    expect(small.params).toBe(large.params);
    // Same model and data; the larger batch keeps more activations.
    expect(large.memory_bytes).toBeGreaterThan(small.memory_bytes);
  });

  it('reads TRAINYARD_MAX_JOB_BYTES and TRAINYARD_MAX_JOB_FLOPS, refusing malformed values', () => {
    expect(loadConfig({ TRAINYARD_MAX_JOB_BYTES: '1000', TRAINYARD_MAX_JOB_FLOPS: '2.5e12' })).toMatchObject({
      maxJobBytes: 1000,
      maxJobFlops: 2.5e12,
    });
    expect(loadConfig({}).maxJobBytes).toBeLessThanOrEqual(LIMIT);
    expect(() => loadConfig({ TRAINYARD_MAX_JOB_BYTES: '4GB' })).toThrow(/TRAINYARD_MAX_JOB_BYTES/);
    expect(() => loadConfig({ TRAINYARD_MAX_JOB_FLOPS: '-1' })).toThrow(/TRAINYARD_MAX_JOB_FLOPS/);
  });
});
