// Sweeps through the real service: the api expands and queues the flow, workers train the trials,
// the sweep worker ranks them once all have ended.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse } from './sse.js';
import { getJson, postJson, startStack, type Stack } from './stack.js';

type Data = Record<string, any>;
const TERMINAL = ['completed', 'failed', 'cancelled'];

/** 2 learning rates × 2 widths on blobs, a few quick epochs. */
function gridSweep(epochs = 3): Data {
  return {
    base: {
      model: {
        class_name: 'Sequential',
        config: {
          layers: [
            { class_name: 'Dense', config: { units: 8, activation: 'relu', batch_input_shape: [null, 2] } },
            { class_name: 'Dense', config: { units: 3, activation: 'softmax' } },
          ],
        },
      },
      compile: {
        optimizer: { class_name: 'Adam', config: { learning_rate: 0.01 } },
        loss: 'sparse_categorical_crossentropy',
        metrics: ['accuracy'],
      },
      fit: { epochs, batch_size: 32, validation_split: 0.2 },
      dataset: { builtin: 'blobs', options: { samples: 300 } },
      seed: 5,
    },
    method: 'grid',
    parameters: {
      '/compile/optimizer/config/learning_rate': [0.001, 0.05],
      '/model/config/layers/0/config/units': [4, 16],
    },
    metric: 'val_loss',
    mode: 'min',
  };
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a sweep through the real service', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ workers: 1 });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('runs a grid to the end, streams every trial, and ranks the trials by their own final metric', async () => {
    const created = await postJson(`${stack.url}/v1/sweeps`, gridSweep());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { id, trials } = created.body as { id: string; trials: { job_id: string }[] };
    expect(trials).toHaveLength(4);

    const { events, ended } = await readSse(`${stack.url}/v1/sweeps/${id}/events`, { timeoutMs: 120_000 });
    expect(ended).toBe(true);
    for (const t of trials) {
      const own = events.filter((e) => (e.data as Data).job_id === t.job_id);
      expect(own.filter((e) => TERMINAL.includes(e.event)).map((e) => e.event)).toEqual(['completed']);
      expect(own.some((e) => e.event === 'epoch')).toBe(true);
      expect(own.every((e) => e.id.startsWith(`${t.job_id}/`))).toBe(true);
    }
    const sweepEvents = events.filter((e) => (e.data as Data).sweep_id === id);
    expect(sweepEvents.map((e) => [e.event, (e.data as Data).status])).toEqual([
      ['sweep', 'queued'],
      ['sweep', 'succeeded'],
    ]);

    const sweep = await getJson(`${stack.url}/v1/sweeps/${id}`);
    expect(sweep.status).toBe('succeeded');
    expect(sweep.finished_at).toBeTruthy();
    expect(sweep.ranking).toHaveLength(4);
    expect(sweep.ranking.map((r: Data) => r.rank)).toEqual([1, 2, 3, 4]);
    expect((sweepEvents.at(-1)!.data as Data).ranking).toEqual(sweep.ranking);
    // The ranking is the trials' own final val_loss, lowest first.
    const finals = new Map<string, number>();
    for (const t of trials) {
      const job = await getJson(`${stack.url}/v1/jobs/${t.job_id}`);
      expect(job.status).toBe('succeeded');
      finals.set(t.job_id, job.metrics.val_loss);
    }
    expect(sweep.ranking.map((r: Data) => r.value)).toEqual(sweep.ranking.map((r: Data) => finals.get(r.job_id)));
    const values = sweep.ranking.map((r: Data) => r.value as number);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(new Set(sweep.ranking.map((r: Data) => r.job_id)).size).toBe(4);
    for (const t of sweep.trials) expect(t.value).toBe(finals.get(t.job_id));
  });

  it('ranks a diverged trial last with its error, and still succeeds', async () => {
    const body = gridSweep(3);
    body.parameters = { '/compile/optimizer/config/learning_rate': [0.01, 1e30] };
    const created = await postJson(`${stack.url}/v1/sweeps`, body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { id, trials } = created.body as { id: string; trials: { job_id: string }[] };
    const sweep = await until(
      () => getJson(`${stack.url}/v1/sweeps/${id}`),
      (s) => s.status !== 'queued' && s.status !== 'running',
    );
    expect(sweep.status).toBe('succeeded');
    const diverged = await getJson(`${stack.url}/v1/jobs/${trials[1].job_id}`);
    expect(diverged.status).toBe('failed');
    expect(sweep.ranking.map((r: Data) => [r.job_id, r.status])).toEqual([
      [trials[0].job_id, 'succeeded'],
      [trials[1].job_id, 'failed'],
    ]);
    expect(sweep.ranking[1]).toMatchObject({ value: null, error: { code: diverged.error.code } });
  });

  it('cancels a running sweep: its trials stop and the sweep ends cancelled', async () => {
    const body = gridSweep(400);
    body.base.dataset.options.samples = 3000;
    const created = await postJson(`${stack.url}/v1/sweeps`, body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { id, trials } = created.body as { id: string; trials: { job_id: string }[] };
    const first = trials[0].job_id;
    await until(
      () => getJson(`${stack.url}/v1/jobs/${first}`),
      (j) => j.status === 'running' && (j.epoch ?? 0) >= 1,
    );

    const res = await fetch(`${stack.url}/v1/sweeps/${id}/cancel`, { method: 'POST' });
    expect(res.status).toBe(202);
    const sweep = await until(
      () => getJson(`${stack.url}/v1/sweeps/${id}`),
      (s) => s.status === 'cancelled',
      30_000,
    );
    expect(sweep.status).toBe('cancelled');
    expect(sweep.trials.map((t: Data) => t.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    expect(sweep.ranking.map((r: Data) => r.value)).toEqual([null, null, null, null]);
    // The stream replays to the sweep's last event and ends.
    const { events, ended } = await readSse(`${stack.url}/v1/sweeps/${id}/events`, { timeoutMs: 10_000 });
    expect(ended).toBe(true);
    expect(events.filter((e) => TERMINAL.includes(e.event)).map((e) => e.event)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
    expect(events.at(-1)!.data as Data).toMatchObject({ type: 'sweep', status: 'cancelled', sweep_id: id });
    // Cancelling again is harmless.
    expect((await fetch(`${stack.url}/v1/sweeps/${id}/cancel`, { method: 'POST' })).status).toBe(200);
  }, 90_000);
});
