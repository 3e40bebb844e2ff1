import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson, startStack, type Stack } from './stack.js';

/** Iris-like rows: three well-separated clusters in 4-D, labelled by species name. */
function irisLikeCsv(perClass: number): string {
  let s = 7;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
  const centres = { setosa: [5.0, 3.4, 1.5, 0.2], versicolor: [5.9, 2.8, 4.3, 1.3], virginica: [6.6, 3.0, 5.6, 2.0] };
  const rows: string[] = [];
  for (let i = 0; i < perClass; i++) {
    for (const [name, c] of Object.entries(centres))
      rows.push([...c.map((v) => (v + rand() * 0.4).toFixed(2)), name].join(','));
  }
  return `sepal_length,sepal_width,petal_length,petal_width,species\n${rows.join('\n')}\n`;
}

function mlp(inputs: number, classes: number): Record<string, any> {
  return {
    class_name: 'Sequential',
    config: {
      name: 'iris_mlp',
      layers: [
        {
          class_name: 'Dense',
          config: { name: 'hidden', units: 16, activation: 'relu', batch_input_shape: [null, inputs] },
        },
        { class_name: 'Dense', config: { name: 'out', units: classes, activation: 'softmax' } },
      ],
    },
  };
}

async function waitFinished(url: string, id: string, ms = 12_000): Promise<any> {
  const until = Date.now() + ms;
  for (;;) {
    const job = await getJson(`${url}/v1/jobs/${id}`);
    if (['succeeded', 'failed', 'cancelled'].includes(job.status) || Date.now() > until) return job;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('an uploaded dataset, end to end', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('uploads a CSV, trains on it through the real worker with a test split, and refuses a model that does not fit', async () => {
    const res = await fetch(`${stack.url}/v1/datasets?target=species&name=iris-like.csv`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: irisLikeCsv(40),
    });
    expect(res.status).toBe(201);
    const ds = (await res.json()) as Record<string, any>;
    expect(ds).toMatchObject({
      samples: 120,
      x_shape: [120, 4],
      y_shape: [120],
      classes: 3,
      class_names: ['setosa', 'versicolor', 'virginica'],
    });

    const job = {
      model: mlp(4, 3),
      compile: {
        optimizer: { class_name: 'Adam', config: { learning_rate: 0.05 } },
        loss: 'sparse_categorical_crossentropy',
        metrics: ['accuracy'],
      },
      fit: { epochs: 25, batch_size: 16, validation_split: 0.2 },
      dataset: { id: ds.id, options: { test_split: 0.25, seed: 3 } },
      seed: 1,
    };
    const created = await postJson(`${stack.url}/v1/jobs`, job);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const done = await waitFinished(stack.url, created.body.id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.epoch).toBe(25);
    expect(done.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(done.metrics.test_accuracy).toBeGreaterThanOrEqual(0.85);

    const wrong = await postJson(`${stack.url}/v1/jobs`, { ...job, model: mlp(8, 3) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('SPEC_SHAPE_MISMATCH');
    expect(wrong.body.error.message).toMatch(/hidden/);
    expect(wrong.body.error.message).toMatch(/8\]/);
    expect(wrong.body.error.message).toMatch(/4\]/);
  });

  it('fails a queued job, without retrying, when its dataset was deleted before a worker took it', async () => {
    await Promise.all(stack.workers.map((w) => w.worker.pause()));
    const res = await postJson(`${stack.url}/v1/datasets`, { x: [[0], [1], [2], [3]], y: [0, 1, 0, 1] });
    const created = await postJson(`${stack.url}/v1/jobs`, {
      model: mlp(1, 2),
      compile: { optimizer: 'adam', loss: 'sparse_categorical_crossentropy' },
      fit: { epochs: 1 },
      dataset: { id: res.body.id },
    });
    expect(created.status).toBe(201);
    expect((await fetch(`${stack.url}/v1/datasets/${res.body.id}`, { method: 'DELETE' })).status).toBe(204);
    stack.workers.forEach((w) => w.worker.resume());
    const done = await waitFinished(stack.url, created.body.id);
    expect(done.status).toBe('failed');
    expect(done.attempts).toBe(1);
    expect(done.error.message).toMatch(/no longer exists/);
  });
});
