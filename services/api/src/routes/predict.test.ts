import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_TENANT, modelBlobKey, type JobSpec } from '@trainyard/contracts';
import { endJob } from '@trainyard/store';
import { forwardFlops, modelFromJson, toLayersModel, type Model } from '@trainyard/nn';
import { tensor } from '@trainyard/tensor';
import type { ApiConfig } from '../config.js';
import { newJobId } from '../job-store.js';
import { testApp, validJob } from '../test-utils/app.js';

// The predict pool on real Redis: models are stored as the worker stores them, then predicted on
// through the route. Threads run the compiled entry (dist/predict/thread.js): build first.

// A conv whose `same` 200×200 kernel covers its 16×16 image: im2col multiplies the whole kernel at
// every pixel, so 100 samples (8e9 FLOPs, under the default budget) take a thread over a second
// while the model stays small.
const SLOW = {
  class_name: 'Sequential',
  config: {
    name: 'slow',
    layers: [
      {
        class_name: 'Conv2D',
        config: {
          name: 'conv',
          filters: 4,
          kernel_size: [200, 200],
          padding: 'same',
          activation: 'relu',
          batch_input_shape: [null, 16, 16, 1],
        },
      },
      { class_name: 'Flatten', config: { name: 'flat' } },
      { class_name: 'Dense', config: { name: 'out', units: 3, activation: 'softmax' } },
    ],
  },
};
const SLOW_SAMPLES = 100;
// A small CNN of the kind this service trains.
const CNN = {
  class_name: 'Sequential',
  config: {
    name: 'cnn',
    layers: [
      {
        class_name: 'Conv2D',
        config: {
          name: 'conv',
          filters: 8,
          kernel_size: [5, 5],
          padding: 'same',
          activation: 'relu',
          batch_input_shape: [null, 16, 16, 1],
        },
      },
      { class_name: 'MaxPooling2D', config: { name: 'pool' } },
      { class_name: 'Flatten', config: { name: 'flat' } },
      { class_name: 'Dense', config: { name: 'out', units: 3, activation: 'softmax' } },
    ],
  },
};
const slowBatch = (n = SLOW_SAMPLES) =>
  Array.from({ length: n }, (_, i) =>
    Array.from({ length: 16 }, (_, r) => Array.from({ length: 16 }, (_, c) => [Math.sin(i + r * 16 + c)])),
  );

type App = { app: FastifyInstance; prefix: string; close: () => Promise<void> };
const apps: App[] = [];
async function start(overrides: Partial<ApiConfig>): Promise<App> {
  const a = await testApp(overrides);
  apps.push(a);
  return a;
}
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

/** A succeeded job whose stored model is `config` (or the given raw files). */
async function stored(
  { app, prefix }: App,
  config: unknown,
  files?: { json: Buffer; weights: Buffer },
): Promise<{ id: string; model?: Model }> {
  const id = newJobId();
  await app.jobs.create(DEFAULT_TENANT, id, validJob() as JobSpec);
  let model: Model | undefined;
  if (!files) {
    model = modelFromJson(config, { seed: 7 });
    const { modelJson, weightsBin } = toLayersModel(model);
    files = { json: Buffer.from(JSON.stringify(modelJson)), weights: Buffer.from(weightsBin) };
  }
  await app.blobs.put(modelBlobKey(id, 'model.json'), files.json);
  await app.blobs.put(modelBlobKey(id, 'weights.bin'), files.weights);
  await endJob(
    app.redis,
    { prefix, tenant: DEFAULT_TENANT, id },
    { type: 'completed', metrics: { loss: 0.1 }, seconds: 1 },
  );
  return { id, ...(model && { model }) };
}

const predict = (app: FastifyInstance, id: string, x: unknown) =>
  app.inject({ method: 'POST', url: `/v1/jobs/${id}/predict`, payload: { x } as object });
/** Resolves once `app` runs (or, with `waiting`, queues) a prediction; fails if `request` settled first. */
async function until(
  app: FastifyInstance,
  request: Promise<unknown>,
  what: 'running' | 'waiting' = 'running',
): Promise<void> {
  let settled = false;
  void request.finally(() => (settled = true));
  while (app.models.activity()[what] === 0) {
    if (settled) throw new Error(`the request ended before a prediction was ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
const rows = (data: ArrayLike<number>, width: number) =>
  Array.from({ length: data.length / width }, (_, i) => Array.from(data).slice(i * width, (i + 1) * width));

describe('predict in the thread pool', () => {
  let pool: App;
  beforeAll(async () => {
    pool = await start({ predictThreads: 2, predictQueueLimit: 8 });
  });

  it('answers exactly what the engine predicts in this thread, over several 256-sample batches', async () => {
    const { id, model } = await stored(pool, CNN);
    const x = slowBatch(300);
    const res = await predict(pool.app, id, x);
    expect(res.statusCode).toBe(200);
    const want = model!.predict(tensor(new Float32Array(x.flat(3)), [300, 16, 16, 1]), { batchSize: 256 });
    expect(res.json().outputs).toEqual(rows(want.data, 3));
  });

  it('keeps /healthz answering while a thread runs a long prediction', async () => {
    const { id } = await stored(pool, SLOW);
    const order: string[] = [];
    const inFlight = predict(pool.app, id, slowBatch()).then((r) => (order.push('predict'), r));
    await until(pool.app, inFlight);
    const health = await pool.app.inject('/healthz');
    order.push('healthz');
    expect(health.statusCode).toBe(200);
    expect((await inFlight).statusCode).toBe(200);
    expect(order).toEqual(['healthz', 'predict']);
  });

  it('answers 422 MODEL_INVALID for a stored model that cannot be loaded, and keeps serving', async () => {
    const good = await stored(pool, SLOW);
    const { modelJson } = toLayersModel(good.model!);
    const json = Buffer.from(JSON.stringify(modelJson));
    const cases = [
      { json, weights: Buffer.from('garbage') }, // weights too short: found inside the thread
      { json: Buffer.from('{"modelTopology": {"class_name": "Sequential", "config": '), weights: Buffer.alloc(64) }, // model.json cut short
      { json: Buffer.from('{"modelTopology": {"class_name": "Lambda", "config": {}}}'), weights: Buffer.alloc(64) },
    ];
    for (const files of cases) {
      const { id } = await stored(pool, null, files);
      const res = await predict(pool.app, id, slowBatch(1));
      expect([res.statusCode, res.json().error.code], files.json.toString().slice(0, 60)).toEqual([
        422,
        'MODEL_INVALID',
      ]);
      expect(res.json().error.details.id).toBe(id);
    }
    expect((await predict(pool.app, good.id, slowBatch(2))).statusCode).toBe(200);
  });

  it('drops a deleted job’s model from the threads', async () => {
    const { id } = await stored(pool, SLOW);
    expect((await predict(pool.app, id, slowBatch(1))).statusCode).toBe(200);
    expect(pool.app.models.keys()).toContain(id);
    expect((await pool.app.inject({ method: 'DELETE', url: `/v1/jobs/${id}` })).statusCode).toBe(204);
    expect(pool.app.models.keys()).not.toContain(id);
  });

  it('replaces a thread left holding more kernel memory than TRAINYARD_PREDICT_KERNEL_MB, and answers the same on the next', async () => {
    // 0 MB: any WebAssembly scratch at all (the conv's im2col) retires the thread after its answer.
    const a = await start({ predictThreads: 1, predictKernelMb: 0 });
    const { id } = await stored(a, CNN);
    const x = slowBatch(3);
    const first = await predict(a.app, id, x);
    expect(first.statusCode).toBe(200);
    // The retired thread took its loaded model with it; the next request loads it on a new thread.
    expect(a.app.models.keys()).not.toContain(id);
    const second = await predict(a.app, id, x);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    // With the default the thread (and its model) stays.
    const kept = await start({ predictThreads: 1 });
    const other = await stored(kept, CNN);
    expect((await predict(kept.app, other.id, x)).statusCode).toBe(200);
    expect(kept.app.models.keys()).toContain(other.id);
  });
});

describe('predict limits', () => {
  it('refuses a request whose forward cost is over the budget with 400 PREDICT_TOO_EXPENSIVE and the estimate', async () => {
    const perSample = forwardFlops(SLOW).perSample;
    const a = await start({ predictThreads: 1, predictMaxFlops: perSample * 10 });
    const { id } = await stored(a, SLOW);
    expect((await predict(a.app, id, slowBatch(10))).statusCode).toBe(200);
    const res = await predict(a.app, id, slowBatch(11));
    expect([res.statusCode, res.json().error.code]).toEqual([400, 'PREDICT_TOO_EXPENSIVE']);
    expect(res.json().error.details).toEqual({
      estimated_flops: perSample * 11,
      max_flops: perSample * 10,
      flops_per_sample: perSample,
      samples: 11,
      max_samples: 10,
    });

    const tight = await start({ predictThreads: 1, predictMaxFlops: perSample - 1 });
    const { id: other } = await stored(tight, SLOW);
    const one = await predict(tight.app, other, slowBatch(1));
    expect([one.statusCode, one.json().error.code, one.json().error.details.max_samples]).toEqual([
      400,
      'PREDICT_TOO_EXPENSIVE',
      0,
    ]);
    expect(one.json().error.message).toMatch(/even one sample/);
  });

  it('refuses a request whose answer would hold more values than a request body could, with 400 PREDICT_TOO_EXPENSIVE', async () => {
    // At most max(samples, bytes / 4) = 10,000 output values; a 4,000-wide output fits twice.
    const a = await start({ predictThreads: 1, predictMaxSamples: 10, predictMaxBytes: 40_000 });
    const wide = {
      class_name: 'Sequential',
      config: {
        name: 'wide',
        layers: [{ class_name: 'Dense', config: { name: 'out', units: 4000, batch_input_shape: [null, 2] } }],
      },
    };
    const { id, model } = await stored(a, wide);
    const ok = await predict(a.app, id, [
      [1, 2],
      [3, 4],
    ]);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({
      outputs: rows(model!.predict(tensor(new Float32Array([1, 2, 3, 4]), [2, 2])).data, 4000),
      input_shape: [2],
      output_shape: [4000],
    });
    const res = await predict(a.app, id, [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect([res.statusCode, res.json().error.code]).toEqual([400, 'PREDICT_TOO_EXPENSIVE']);
    expect(res.json().error.details).toEqual({
      output_values: 12_000,
      max_output_values: 10_000,
      samples: 3,
      max_samples: 2,
    });
  });

  it('answers 429 PREDICT_BUSY with Retry-After once the one thread is busy and the queue full', async () => {
    const a = await start({ predictThreads: 1, predictQueueLimit: 1 });
    const { id } = await stored(a, SLOW);
    const first = predict(a.app, id, slowBatch());
    await until(a.app, first);
    // One waits in the queue; the others find it full while the first still runs.
    const rest = await Promise.all([1, 2, 3].map(() => predict(a.app, id, slowBatch(1))));
    const refused = rest.filter((r) => r.statusCode === 429);
    expect(refused).toHaveLength(2);
    for (const r of refused) {
      expect(r.json().error.code).toBe('PREDICT_BUSY');
      expect(r.json().error.details).toMatchObject({ threads: 1, queue_limit: 1 });
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(rest.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect((await first).statusCode).toBe(200);
  });

  it('stops a prediction past the time limit with 422 PREDICT_TIMEOUT and serves the next on a new thread', async () => {
    const a = await start({ predictThreads: 1, predictTimeoutMs: 300 });
    const slow = await stored(a, SLOW);
    const res = await predict(a.app, slow.id, slowBatch());
    expect([res.statusCode, res.json().error.code]).toEqual([422, 'PREDICT_TIMEOUT']);
    expect(res.json().error.details).toMatchObject({
      timeout_ms: 300,
      estimated_flops: forwardFlops(SLOW).perSample * SLOW_SAMPLES,
    });
    const quick = await stored(a, validJob().model);
    expect((await predict(a.app, quick.id, [[1, 2]])).statusCode).toBe(200);
  });

  it('ends its threads when the app closes, refusing what still waits', async () => {
    const a = await testApp({ predictThreads: 1, predictQueueLimit: 4 });
    const { id } = await stored(a, SLOW);
    const running = predict(a.app, id, slowBatch());
    await until(a.app, running);
    const waiting = predict(a.app, id, slowBatch(1));
    await until(a.app, waiting, 'waiting');
    const threadConnections = async () =>
      String(await a.app.redis.client('LIST'))
        .split('\n')
        .filter((l) => l.includes(`name=trainyard-api-predict@${a.prefix}`)).length;
    // The thread connects once it has loaded its modules, which a loaded machine makes slow: wait for it.
    await vi.waitFor(async () => expect(await threadConnections()).toBe(1), { timeout: 15_000, interval: 20 });
    const [r1, r2] = await Promise.all([running, waiting, a.app.models.close()]);
    for (const r of [r1, r2]) expect([r.statusCode, r.json().error.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    // A terminated thread's socket closes with it.
    await vi.waitFor(async () => expect(await threadConnections()).toBe(0), { timeout: 15_000, interval: 20 });
    await a.close();
  });
});
