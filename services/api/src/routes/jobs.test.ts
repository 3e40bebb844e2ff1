import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testApp, validJob } from '../test-utils/app.js';

let app: FastifyInstance;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ app, close } = await testApp({ maxParams: 1_000_000 }));
});
afterAll(async () => {
  await close();
});

function mutate(fn: (job: Record<string, any>) => void): Record<string, any> {
  const job = validJob();
  fn(job);
  return job;
}

async function post(payload: unknown, headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'POST', url: '/v1/jobs', payload: payload as string, headers });
  return { status: res.statusCode, body: res.json() };
}

describe('POST /v1/jobs', () => {
  it('queues a valid job: 201 with id, status and links', async () => {
    const { status, body } = await post(validJob());
    expect(status).toBe(201);
    expect(body.id).toMatch(/^job_[A-Za-z0-9_-]+$/);
    expect(body).toEqual({
      id: body.id,
      status: 'queued',
      links: { self: `/v1/jobs/${body.id}`, events: `/v1/jobs/${body.id}/events` },
    });
    const job = await app.inject({ method: 'GET', url: `/v1/jobs/${body.id}` });
    expect(job.statusCode).toBe(200);
    expect(job.json()).toMatchObject({ id: body.id, status: 'queued', attempts: 0, spec: validJob() });
    const queued = await app.queue.getJob(body.id);
    expect(queued?.data.jobId).toBe(body.id);
  });

  // Each malformed body must be refused with a 400, a code, and a message naming the field.
  const table: [string, unknown, string, RegExp][] = [
    ['epochs as a string', mutate((j) => (j.fit.epochs = '5')), 'VALIDATION_FAILED', /fit\/epochs/],
    ['epochs huge', mutate((j) => (j.fit.epochs = 1e12)), 'VALIDATION_FAILED', /fit\/epochs/],
    ['epochs zero', mutate((j) => (j.fit.epochs = 0)), 'VALIDATION_FAILED', /fit\/epochs/],
    ['batch_size fractional', mutate((j) => (j.fit.batch_size = 3.5)), 'VALIDATION_FAILED', /fit\/batch_size/],
    [
      'validation_split of 1',
      mutate((j) => (j.fit.validation_split = 1)),
      'VALIDATION_FAILED',
      /fit\/validation_split/,
    ],
    ['seed negative', mutate((j) => (j.seed = -1)), 'VALIDATION_FAILED', /seed/],
    ['missing model', mutate((j) => delete j.model), 'VALIDATION_FAILED', /model/],
    ['missing compile.loss', mutate((j) => delete j.compile.loss), 'VALIDATION_FAILED', /loss/],
    ['missing fit', mutate((j) => delete j.fit), 'VALIDATION_FAILED', /fit/],
    ['unknown top-level field', mutate((j) => (j.surprise = true)), 'VALIDATION_FAILED', /surprise/],
    ['metrics not a list', mutate((j) => (j.compile.metrics = 'accuracy')), 'VALIDATION_FAILED', /compile\/metrics/],
    ['dataset of neither kind', mutate((j) => (j.dataset = { url: 'http://x' })), 'VALIDATION_FAILED', /dataset/],
    [
      'unknown layer',
      mutate((j) => j.model.config.layers.splice(1, 0, { class_name: 'Lambda', config: { function: 'os.system' } })),
      'SPEC_UNKNOWN_LAYER',
      /Lambda/,
    ],
    ['units huge', mutate((j) => (j.model.config.layers[0].config.units = 1e12)), 'SPEC_TOO_LARGE', /parameters/],
    [
      'units negative',
      mutate((j) => (j.model.config.layers[0].config.units = -3)),
      'SPEC_INVALID_LAYER_CONFIG',
      /units/,
    ],
    [
      'input shape vs data',
      mutate((j) => (j.model.config.layers[0].config.batch_input_shape = [null, 5])),
      'SPEC_SHAPE_MISMATCH',
      /\[.*5.*\]/,
    ],
    ['output units vs classes', mutate((j) => (j.model.config.layers[1].config.units = 3)), 'SPEC_SHAPE_MISMATCH', /3/],
    ['unknown builtin', mutate((j) => (j.dataset = { builtin: 'imagenet' })), 'DATASET_UNKNOWN_BUILTIN', /imagenet/],
    [
      'builtin option out of range',
      mutate((j) => (j.dataset.options.samples = 1e9)),
      'DATASET_INVALID_OPTION',
      /samples/,
    ],
    [
      'unknown optimizer',
      mutate((j) => (j.compile.optimizer = 'adamw_turbo')),
      'SPEC_UNKNOWN_OPTIMIZER',
      /adamw_turbo/,
    ],
    ['unknown loss', mutate((j) => (j.compile.loss = 'hinge_of_doom')), 'SPEC_UNKNOWN_LOSS', /hinge_of_doom/],
    [
      'inline data with NaN-like string',
      mutate(
        (j) =>
          (j.dataset = {
            inline: {
              x: [
                [0, 1],
                [1, 'NaN'],
              ],
              y: [0, 1],
            },
          }),
      ),
      'DATASET_NON_FINITE',
      /x\/1\/1/,
    ],
    [
      'inline ragged rows',
      mutate((j) => (j.dataset = { inline: { x: [[0, 1], [1]], y: [0, 1] } })),
      'DATASET_SHAPE_MISMATCH',
      /x\/1/,
    ],
    [
      'inline counts differ',
      mutate(
        (j) =>
          (j.dataset = {
            inline: {
              x: [
                [0, 1],
                [1, 0],
              ],
              y: [0],
            },
          }),
      ),
      'DATASET_SHAPE_MISMATCH',
      /2.*1|1.*2/,
    ],
  ];
  const cases = table.map(([name, payload, code, message]) => ({ name, payload, code, message }));
  it.each(cases)('$name → 400 $code', async ({ payload, code, message }) => {
    const { status, body } = await post(payload);
    expect(status).toBe(400);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
  });

  it('refuses bodies that are not JSON objects', async () => {
    expect((await post('{"model": ', { 'content-type': 'application/json' })).body.error.code).toBe('INVALID_JSON');
    expect((await post('', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await post('[1,2,3]', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await post('null', { 'content-type': 'application/json' })).status).toBe(400);
    const text = await post('epochs=5', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a body over the size limit with 413', async () => {
    const { app: small, close: closeSmall } = await testApp({ maxBodyBytes: 1024 });
    try {
      const job = mutate(
        (j) => (j.dataset = { inline: { x: Array.from({ length: 200 }, () => [0.5, 0.5]), y: Array(200).fill(0) } }),
      );
      const res = await small.inject({ method: 'POST', url: '/v1/jobs', payload: job });
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('BODY_TOO_LARGE');
    } finally {
      await closeSmall();
    }
  });

  it('accepts the bundled classic datasets with their shapes, and checks targets against the loss', async () => {
    const regression = mutate((j) => {
      j.dataset = { builtin: 'boston-housing' };
      j.model.config.layers[0].config.batch_input_shape = [null, 13];
      j.model.config.layers[1].config = { name: 'out', units: 1, activation: 'linear' };
      j.compile = { optimizer: 'adam', loss: 'mean_squared_error', metrics: ['mae'] };
    });
    expect((await post(regression)).status).toBe(201);
    const wrongLoss = mutate((j) => {
      j.dataset = { builtin: 'iris' };
      j.model.config.layers[0].config.batch_input_shape = [null, 4];
      j.model.config.layers[1].config.units = 3;
    });
    expect((await post(wrongLoss)).status).toBe(201);
    const mismatch = mutate((j) => (j.dataset = { builtin: 'iris' }));
    const res = await post(mismatch);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('SPEC_SHAPE_MISMATCH');
  });

  it('enqueues nothing for rejected bodies and keeps serving', async () => {
    const before = await app.queue.count();
    for (const { payload } of cases) await post(payload);
    expect(await app.queue.count()).toBe(before);
    expect((await post(validJob())).status).toBe(201);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('GET /v1/jobs/:id', () => {
  it('answers 404 JOB_NOT_FOUND for an unknown id and 400 for a malformed one', async () => {
    const missing = await app.inject({ method: 'GET', url: '/v1/jobs/job_nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('JOB_NOT_FOUND');
    const bad = await app.inject({ method: 'GET', url: '/v1/jobs/..%2F..%2Fetc' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('answers unknown routes with the error envelope', async () => {
    const res = await app.inject({ method: 'GET', url: '/v2/nothing' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });
});

describe('docs', () => {
  it('serves the OpenAPI document and the docs page', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/v1/jobs', '/v1/jobs/{id}', '/v1/jobs/{id}/events', '/healthz']),
    );
    expect(spec.paths['/v1/jobs'].post.summary).toBeTruthy();
    const docs = await app.inject({ method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(docs.statusCode);
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/html/);
  });
});
