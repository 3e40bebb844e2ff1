import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelBlobKey } from '../packages/contracts/src/index.js';
import { TrainyardClient, TrainyardError } from '../packages/client/src/index.js';
import { readSse } from './sse.js';
import { postJson, startStack, type Stack } from './stack.js';
import { spiralsJob } from './fixtures.js';

// A real worker trains a small job; TensorFlow.js loads the stored model over HTTP, and its
// predictions must match the api's own predict.
describe('the trained model: download, predict, delete', () => {
  let stack: Stack;
  let client: TrainyardClient;
  let id: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    stack = await startStack();
    client = new TrainyardClient({ baseUrl: stack.url });
    const created = await postJson(`${stack.url}/v1/jobs`, spiralsJob({ epochs: 3, samples: 300 }));
    expect(created.status).toBe(201);
    id = created.body.id;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('has no model before the job succeeds, then links it from the completed event and the job', async () => {
    const early = client.getModelUrl(id);
    const res = await fetch(early);
    // Queued or already running: either way, not ready yet (unless this machine trained it in a blink).
    if (res.status !== 200)
      expect([res.status, ((await res.json()) as any).error.code]).toEqual([409, 'MODEL_NOT_READY']);

    const { events } = await readSse(`${stack.url}/v1/jobs/${id}/events`, { timeoutMs: 30_000 });
    const done = events.at(-1)!;
    expect(done.event).toBe('completed');
    expect((done.data as any).links).toEqual({
      model: `/v1/jobs/${id}/model/model.json`,
      predict: `/v1/jobs/${id}/predict`,
    });
    const job = await client.getJob(id);
    expect(job.status).toBe('succeeded');
    expect(job.links.model).toBe(`/v1/jobs/${id}/model/model.json`);
  });

  it('loads in TensorFlow.js over HTTP and predicts what POST /predict answers', async () => {
    const model = await tf.loadLayersModel(client.getModelUrl(id));
    expect(model.inputs[0].shape).toEqual([null, 2]);
    const x = Array.from({ length: 64 }, (_, i) => [Math.cos(i) * (i / 40), Math.sin(i * 1.7) * (i / 50)]);
    const theirs = (model.predict(tf.tensor2d(x)) as tf.Tensor).arraySync() as number[][];
    const ours = await client.predict(id, x);
    expect(ours.output_shape).toEqual([2]);
    expect(ours.outputs).toHaveLength(64);
    let maxDiff = 0;
    (ours.outputs as number[][]).forEach((row, i) =>
      row.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - theirs[i][j])))),
    );
    expect(maxDiff).toBeLessThanOrEqual(1e-5);
    // The short address redirects to model.json.
    const redirect = await fetch(`${stack.url}/v1/jobs/${id}/model`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([302, `/v1/jobs/${id}/model/model.json`]);
  });

  it('refuses bad predict requests with codes and keeps serving', async () => {
    const refused = async (x: unknown, status: number, code: string) => {
      const err = await client.predict(id, x as unknown[]).catch((e: unknown) => e);
      expect(err, JSON.stringify(x).slice(0, 60)).toBeInstanceOf(TrainyardError);
      expect([(err as TrainyardError).status, (err as TrainyardError).code]).toEqual([status, code]);
      return err as TrainyardError;
    };
    expect((await refused([[1, 2, 3]], 400, 'PREDICT_INVALID_INPUT')).details.path).toBe('/x/0');
    expect(
      (
        await refused(
          [
            [1, 2],
            [3, 'four'],
          ],
          400,
          'PREDICT_INVALID_INPUT',
        )
      ).details.path,
    ).toBe('/x/1/1');
    await refused([], 400, 'VALIDATION_FAILED');
    await refused(
      Array.from({ length: 1001 }, () => [0, 0]),
      413,
      'PREDICT_TOO_MANY_SAMPLES',
    );
    const missing = await postJson(`${stack.url}/v1/jobs/${id}/predict`, {});
    expect([missing.status, missing.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const nan = await fetch(`${stack.url}/v1/jobs/${id}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"x":[[NaN,0]]}',
    });
    expect(nan.status).toBe(400);
    const unknown = await client.predict('job_unknown', [[0, 0]]).catch((e: unknown) => e);
    expect((unknown as TrainyardError).code).toBe('JOB_NOT_FOUND');
    expect((await client.predict(id, [[0.1, 0.2]])).outputs).toHaveLength(1);
  });

  it('is deleted with its job', async () => {
    await client.deleteJob(id);
    expect(await stack.app.blobs.has(modelBlobKey(id, 'model.json'))).toBe(false);
    expect(await stack.app.blobs.has(modelBlobKey(id, 'weights.bin'))).toBe(false);
    for (const file of ['model.json', 'weights.bin']) {
      const res = await fetch(`${stack.url}/v1/jobs/${id}/model/${file}`);
      expect(res.status).toBe(404);
    }
    const err = await client.predict(id, [[0, 0]]).catch((e: unknown) => e);
    expect((err as TrainyardError).status).toBe(404);
  });
});
