import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TrainyardClient } from '../packages/client/src/index.js';
import type { JobSpec } from '../packages/contracts/src/index.js';
import { spiralsJob } from './fixtures.js';
import { startStack, type Stack } from './stack.js';
import { FAST_STALL_CHECK, spawnWorker, type WorkerProcess } from './worker-process.js';

type Event = { event: string; data: any };
const spec = () => spiralsJob({ epochs: 40, samples: 2000, seed: 21 }) as unknown as JobSpec;

describe('a worker killed mid-job', () => {
  let stack: Stack;
  let client: TrainyardClient;
  const procs: WorkerProcess[] = [];
  beforeAll(async () => {
    stack = await startStack({ workers: 0 });
    client = new TrainyardClient({ baseUrl: stack.url });
  });
  afterEach(async () => {
    await Promise.all(procs.map((p) => p.stop()));
  });
  afterAll(async () => {
    await stack.close();
  });

  it('another worker resumes the job from its last checkpoint; the stream repeats nothing and the result equals an uninterrupted run', async () => {
    const a = spawnWorker(stack.prefix, 'worker-a', FAST_STALL_CHECK);
    procs.push(a);
    const { id } = await client.submitJob(spec());
    const events: Event[] = [];
    let killedAt: number | undefined;
    for await (const e of client.events(id)) {
      events.push(e as Event);
      if (e.event === 'checkpoint' && (e.data as any).epoch >= 2 && killedAt === undefined) {
        a.child.kill('SIGKILL');
        killedAt = events.length;
        await a.exited;
        procs.push(spawnWorker(stack.prefix, 'worker-b', FAST_STALL_CHECK));
      }
    }
    expect(killedAt).toBeDefined();
    expect(await a.exited).toMatchObject({ signal: 'SIGKILL' });

    // One run per worker, the second one says where it resumed.
    const running = events.filter((e) => e.event === 'status' && e.data.status === 'running').map((e) => [e.data.attempt, e.data.worker]);
    expect(running).toEqual([
      [1, 'worker-a'],
      [2, 'worker-b'],
    ]);
    const resumedAt = events.findIndex((e) => e.event === 'resumed');
    expect(resumedAt).toBeGreaterThan(killedAt! - 1);
    const lastCheckpoint = events.slice(0, resumedAt).filter((e) => e.event === 'checkpoint').at(-1)!.data.epoch as number;
    const fromEpoch = events[resumedAt]!.data.from_epoch as number;
    // The dead worker may have stored one more checkpoint than it got to announce.
    expect([lastCheckpoint, lastCheckpoint + 1]).toContain(fromEpoch);
    expect(fromEpoch).toBeGreaterThanOrEqual(2);

    // Every epoch once, in order; the epochs after the resume continue where the stream stopped.
    const epochs = events.filter((e) => e.event === 'epoch').map((e) => e.data.epoch as number);
    expect(epochs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const reportedBeforeResume = events.slice(0, resumedAt).filter((e) => e.event === 'epoch').length;
    expect(reportedBeforeResume).toBeGreaterThanOrEqual(fromEpoch);
    for (const e of events.slice(resumedAt)) if (e.event === 'epoch' || e.event === 'batch') expect(e.data.epoch).toBeGreaterThan(reportedBeforeResume);
    const checkpoints = events.filter((e) => e.event === 'checkpoint').map((e) => e.data.epoch as number);
    expect(checkpoints.at(-1)).toBe(40);

    const terminal = events.filter((e) => ['completed', 'failed', 'cancelled'].includes(e.event));
    expect(terminal.map((e) => e.event)).toEqual(['completed']);
    expect(events.at(-1)!.event).toBe('completed');
    const job = await client.getJob(id);
    expect(job).toMatchObject({ status: 'succeeded', attempts: 2, epoch: 40 });

    // The same spec and seed, never interrupted: the same numbers, bit for bit.
    const baseline = await client.submitJob(spec());
    let baselineDone: Event | undefined;
    for await (const e of client.events(baseline.id)) if (e.event === 'completed') baselineDone = e as Event;
    expect(baselineDone).toBeDefined();
    const done = terminal[0]!;
    expect(done.data.metrics).toEqual(baselineDone!.data.metrics);
    expect(job.metrics).toEqual((await client.getJob(baseline.id)).metrics);
    expect(await client.getMetrics(id)).toEqual(await client.getMetrics(baseline.id));
  });

  it('a job that loses its worker more often than WORKER_MAX_STALLED_COUNT allows ends failed, once', async () => {
    const env = { ...FAST_STALL_CHECK, WORKER_MAX_STALLED_COUNT: '0' };
    const a = spawnWorker(stack.prefix, 'worker-c', env);
    procs.push(a);
    const { id } = await client.submitJob(spec());
    const events: Event[] = [];
    for await (const e of client.events(id)) {
      events.push(e as Event);
      if (e.event === 'checkpoint' && a.child.exitCode === null && a.child.signalCode === null) {
        a.child.kill('SIGKILL');
        await a.exited;
        procs.push(spawnWorker(stack.prefix, 'worker-d', env));
      }
    }
    const terminal = events.filter((e) => ['completed', 'failed', 'cancelled'].includes(e.event));
    expect(terminal).toHaveLength(1);
    expect(terminal[0]).toMatchObject({ event: 'failed', data: { error: { code: 'WORKER_LOST', message: expect.stringMatching(/stalled/) } } });
    expect(await client.getJob(id)).toMatchObject({ status: 'failed', attempts: 1 });
  });
});
