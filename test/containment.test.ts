import { describe, expect, it } from 'vitest';
import type { TrainyardClient } from '../packages/client/src/index.js';
import type { JobSpec } from '../packages/contracts/src/index.js';
import { mlp, spiralsJob } from './fixtures.js';
import { settledJob } from './stack.js';
import { FAST_STALL_CHECK, workerProcessSuite } from './worker-process.js';

type Event = { event: string; data: any };
const TERMINAL = ['completed', 'failed', 'cancelled'];

async function follow(
  client: TrainyardClient,
  id: string,
  onEvent: (e: Event) => unknown = () => undefined,
): Promise<Event[]> {
  const events: Event[] = [];
  for await (const e of client.events(id)) {
    events.push(e as Event);
    await onEvent(e as Event);
  }
  return events;
}

/** Few parameters, huge activations: one 2 → `units` layer over a batch of `batch` rows. */
function wideJob(units: number, batch: number, samples: number): JobSpec {
  return {
    model: mlp(2, [units], 2),
    compile: { optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' },
    fit: { epochs: 1, batch_size: batch },
    dataset: { builtin: 'spirals', options: { samples, noise: 0.1 } },
  } as unknown as JobSpec;
}

/** One huge GEMM per batch (4096 × 4096 × 4096, seconds each): cancels land inside a kernel. */
function heavyKernelJob(): JobSpec {
  return {
    model: mlp(2, [4096, 4096], 2),
    compile: { optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' },
    fit: { epochs: 1, batch_size: 4096 },
    dataset: { builtin: 'spirals', options: { samples: 8192, noise: 0.1 } },
  } as unknown as JobSpec;
}

const workersRan = (events: Event[]) =>
  events.filter((e) => e.event === 'status' && e.data.status === 'running').map((e) => e.data.worker as string);

describe('hard containment of a training thread', () => {
  // The api's estimate would refuse the memory bomb before queueing; here the worker must stop it.
  const suite = workerProcessSuite({ maxJobBytes: 64 * 2 ** 30 });
  const { spawn } = suite;

  it('a job past WORKER_JOB_MEMORY_MB fails RESOURCE_LIMIT, is not retried, and the same worker process trains the next job', async () => {
    const w = spawn('worker-small', { WORKER_JOB_MEMORY_MB: '256' });
    // 16,384 × 8,192 floats: 512 MB per activation, in ArrayBuffers V8's heap limit does not see.
    const { id } = await suite.client.submitJob(wideJob(8192, 16384, 20000));
    const events = await follow(suite.client, id);
    expect(events.filter((e) => TERMINAL.includes(e.event))).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({
      event: 'failed',
      data: { error: { code: 'RESOURCE_LIMIT', message: expect.stringMatching(/past its memory limit of 256 MB/) } },
    });
    expect(await suite.client.getJob(id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: 'RESOURCE_LIMIT' },
    });
    const queued = await settledJob(suite.stack, id);
    expect(await queued?.getState()).toBe('failed');
    expect(queued?.attemptsMade).toBe(1);
    expect(queued?.opts.attempts).toBeGreaterThan(1);

    // The process lives on and takes the next job.
    expect(w.child.exitCode).toBeNull();
    const next = await suite.client.submitJob(spiralsJob({ epochs: 3, samples: 500 }) as unknown as JobSpec);
    const nextEvents = await follow(suite.client, next.id);
    expect(nextEvents.at(-1)!.event).toBe('completed');
    expect(workersRan(nextEvents)).toEqual(['worker-small']);
    expect(w.child.exitCode).toBeNull();
    expect(w.output()).toMatch(/past its memory limit of 256 MB/);
  });

  it('a cancel that comes inside a long kernel ends the job cancelled by terminating its thread; the worker goes on', async () => {
    const w = spawn('worker-kernel', { WORKER_CANCEL_GRACE_MS: '300' });
    const { id } = await suite.client.submitJob(heavyKernelJob());
    let cancel: Promise<Response> | undefined;
    const events = await follow(suite.client, id, async (e) => {
      // The log line fit starts after; its first batch is one multi-second product.
      if (e.event === 'log' && !cancel) {
        await new Promise((r) => setTimeout(r, 300));
        cancel = fetch(`${suite.stack.url}/v1/jobs/${id}/cancel`, { method: 'POST' });
      }
    });
    expect((await cancel!).status).toBe(202);
    expect(events.filter((e) => TERMINAL.includes(e.event)).map((e) => e.event)).toEqual(['cancelled']);
    // Stopped inside the first batch: no batch ended, so no batch boundary was waited for.
    expect(events.filter((e) => e.event === 'batch' || e.event === 'epoch')).toEqual([]);
    expect(events.at(-1)!.data).toEqual({ type: 'cancelled', reason: 'cancelled by request' });
    expect(await suite.client.getJob(id)).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(w.output()).toMatch(/did not stop at a batch boundary in time; its thread was terminated/);
    const queued = await settledJob(suite.stack, id);
    expect(await queued?.getState()).toBe('completed');

    const next = await suite.client.submitJob(spiralsJob({ epochs: 2, samples: 300 }) as unknown as JobSpec);
    expect((await follow(suite.client, next.id)).at(-1)!.event).toBe('completed');
    expect(w.child.exitCode).toBeNull();
  });
});

describe('a job whose attempt took its worker process down', () => {
  const suite = workerProcessSuite();
  const { spawn } = suite;

  it('is not resumed on another worker when it was near its memory limit: it fails RESOURCE_LIMIT after that one loss', async () => {
    // Any job counts as near its limit here, so a kill stands in for the OOM killer.
    const env = { ...FAST_STALL_CHECK, WORKER_POISON_MEMORY_FRACTION: '0.0001' };
    const a = spawn('worker-a', env);
    const { id } = await suite.client.submitJob(spiralsJob({ epochs: 200, samples: 2000 }) as unknown as JobSpec);
    const events = await follow(suite.client, id, async (e) => {
      if (e.event === 'checkpoint' && a.child.exitCode === null && a.child.signalCode === null) {
        expect(await suite.stack.app.redis.hget(`${suite.stack.prefix}:job:${id}`, 'attempt_memory')).toMatch(
          /"attempt":1/,
        );
        a.child.kill('SIGKILL');
        await a.exited;
        spawn('worker-b', env);
      }
    });
    expect(workersRan(events)).toEqual(['worker-a']);
    expect(events.filter((e) => TERMINAL.includes(e.event))).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({
      event: 'failed',
      data: {
        error: {
          code: 'RESOURCE_LIMIT',
          message: expect.stringMatching(
            /the worker running attempt 1 died while the job was near its memory limit .*not retried/,
          ),
        },
      },
    });
    expect(await suite.client.getJob(id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(await (await settledJob(suite.stack, id))?.getState()).toBe('failed');
  });

  it('a job that loses two workers to kills (not to its memory) fails WORKER_LOST saying it made 2 attempts, as its record does', async () => {
    const env = FAST_STALL_CHECK;
    let worker = spawn('worker-1', env);
    const { id } = await suite.client.submitJob(
      spiralsJob({ epochs: 200, samples: 2000, seed: 3 }) as unknown as JobSpec,
    );
    let kills = 0;
    const events = await follow(suite.client, id, async (e) => {
      if (e.event === 'checkpoint' && kills < 2 && worker.child.exitCode === null && worker.child.signalCode === null) {
        worker.child.kill('SIGKILL');
        await worker.exited;
        kills++;
        worker = spawn(`worker-${kills + 1}`, env);
      }
    });
    expect(kills).toBe(2);
    expect(workersRan(events)).toEqual(['worker-1', 'worker-2']);
    expect(events.at(-1)).toMatchObject({
      event: 'failed',
      data: { error: { code: 'WORKER_LOST', message: expect.stringMatching(/after 2 attempt\(s\)/) } },
    });
    expect(await suite.client.getJob(id)).toMatchObject({ status: 'failed', attempts: 2 });
  });
});
