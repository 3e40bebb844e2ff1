import { describe, expect, it } from 'vitest';
import type { JobSpec } from '../packages/contracts/src/index.js';
import { spiralsJob } from './fixtures.js';
import { FAST_STALL_CHECK, workerProcessSuite } from './worker-process.js';

type Event = { event: string; data: any };
const spec = () => spiralsJob({ epochs: 40, samples: 2000, seed: 21 }) as unknown as JobSpec;

describe('a worker killed mid-job', () => {
  const suite = workerProcessSuite();
  const { spawn } = suite;

  it('another worker resumes the job from its last checkpoint; the stream repeats nothing and the result equals an uninterrupted run', async () => {
    const a = spawn('worker-a', FAST_STALL_CHECK);
    const { id } = await suite.client.submitJob(spec());
    const events: Event[] = [];
    let killedAt: number | undefined;
    for await (const e of suite.client.events(id)) {
      events.push(e as Event);
      if (e.event === 'checkpoint' && (e.data as any).epoch >= 2 && killedAt === undefined) {
        a.child.kill('SIGKILL');
        killedAt = events.length;
        await a.exited;
        spawn('worker-b', FAST_STALL_CHECK);
      }
    }
    expect(killedAt).toBeDefined();
    expect(await a.exited).toMatchObject({ signal: 'SIGKILL' });

    // One run per worker, the second one says where it resumed.
    const running = events
      .filter((e) => e.event === 'status' && e.data.status === 'running')
      .map((e) => [e.data.attempt, e.data.worker]);
    expect(running).toEqual([
      [1, 'worker-a'],
      [2, 'worker-b'],
    ]);
    const resumedAt = events.findIndex((e) => e.event === 'resumed');
    expect(resumedAt).toBeGreaterThan(killedAt! - 1);
    const lastCheckpoint = events
      .slice(0, resumedAt)
      .filter((e) => e.event === 'checkpoint')
      .at(-1)!.data.epoch as number;
    const fromEpoch = events[resumedAt].data.from_epoch as number;
    // The dead worker may have stored one more checkpoint than it got to announce.
    expect([lastCheckpoint, lastCheckpoint + 1]).toContain(fromEpoch);
    expect(fromEpoch).toBeGreaterThanOrEqual(2);

    // Every epoch once, in order; the epochs after the resume continue where the stream stopped.
    const epochs = events.filter((e) => e.event === 'epoch').map((e) => e.data.epoch as number);
    expect(epochs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const reportedBeforeResume = events.slice(0, resumedAt).filter((e) => e.event === 'epoch').length;
    expect(reportedBeforeResume).toBeGreaterThanOrEqual(fromEpoch);
    for (const e of events.slice(resumedAt))
      if (e.event === 'epoch' || e.event === 'batch') expect(e.data.epoch).toBeGreaterThan(reportedBeforeResume);
    const checkpoints = events.filter((e) => e.event === 'checkpoint').map((e) => e.data.epoch as number);
    expect(checkpoints.at(-1)).toBe(40);

    const terminal = events.filter((e) => ['completed', 'failed', 'cancelled'].includes(e.event));
    expect(terminal.map((e) => e.event)).toEqual(['completed']);
    expect(events.at(-1)!.event).toBe('completed');
    const job = await suite.client.getJob(id);
    expect(job).toMatchObject({ status: 'succeeded', attempts: 2, epoch: 40 });

    // The same spec and seed, never interrupted: the same numbers, bit for bit.
    const baseline = await suite.client.submitJob(spec());
    let baselineDone: Event | undefined;
    for await (const e of suite.client.events(baseline.id)) if (e.event === 'completed') baselineDone = e as Event;
    expect(baselineDone).toBeDefined();
    const done = terminal[0];
    expect(done.data.metrics).toEqual(baselineDone!.data.metrics);
    expect(job.metrics).toEqual((await suite.client.getJob(baseline.id)).metrics);
    expect(await suite.client.getMetrics(id)).toEqual(await suite.client.getMetrics(baseline.id));
  });

  it('a job that loses its worker more often than WORKER_MAX_STALLED_COUNT allows ends failed, once', async () => {
    const env = { ...FAST_STALL_CHECK, WORKER_MAX_STALLED_COUNT: '0' };
    const a = spawn('worker-c', env);
    const { id } = await suite.client.submitJob(spec());
    const events: Event[] = [];
    for await (const e of suite.client.events(id)) {
      events.push(e as Event);
      if (e.event === 'checkpoint' && a.child.exitCode === null && a.child.signalCode === null) {
        a.child.kill('SIGKILL');
        await a.exited;
        spawn('worker-d', env);
      }
    }
    const terminal = events.filter((e) => ['completed', 'failed', 'cancelled'].includes(e.event));
    expect(terminal).toHaveLength(1);
    expect(terminal[0]).toMatchObject({
      event: 'failed',
      data: { error: { code: 'WORKER_LOST', message: expect.stringMatching(/stalled/) } },
    });
    expect(await suite.client.getJob(id)).toMatchObject({ status: 'failed', attempts: 1 });
  });
});
