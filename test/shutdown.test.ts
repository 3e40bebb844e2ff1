import { describe, expect, it } from 'vitest';
import type { JobSpec } from '../packages/contracts/src/index.js';
import { spiralsJob } from './fixtures.js';
import { settledJob } from './stack.js';
import { FAST_STALL_CHECK, workerProcessSuite } from './worker-process.js';

type Event = { event: string; data: any };
const GRACE_MS = 1500;

describe('SIGTERM drains a worker', () => {
  const suite = workerProcessSuite();
  const { spawn } = suite;

  it('a job longer than the grace period goes back to the queue, the process exits in time, and another worker resumes and completes it', async () => {
    const a = spawn('worker-a', { ...FAST_STALL_CHECK, SHUTDOWN_GRACE_MS: String(GRACE_MS) });
    const { id } = await suite.client.submitJob(
      spiralsJob({ epochs: 150, samples: 1500, seed: 5 }) as unknown as JobSpec,
    );
    const events: Event[] = [];
    let stopped = false;
    let aExited = false;
    let exitedBeforeCompletion: boolean | undefined;
    void a.exited.then(() => (aExited = true));
    for await (const e of suite.client.events(id)) {
      events.push(e as Event);
      if (e.event === 'checkpoint' && (e.data as any).epoch >= 2 && !stopped) {
        stopped = true;
        a.child.kill('SIGTERM');
        spawn('worker-b', FAST_STALL_CHECK);
      }
      if (e.event === 'completed') exitedBeforeCompletion = aExited;
    }
    // The process exited cleanly once its grace period ran out, without waiting for the job,
    // which worker-b completed after it.
    expect(await a.exited).toEqual({ code: 0, signal: null });
    expect(exitedBeforeCompletion).toBe(true);
    expect(a.output()).toMatch(/handing them back to the queue/);

    const running = events
      .filter((e) => e.event === 'status' && e.data.status === 'running')
      .map((e) => [e.data.attempt, e.data.worker]);
    expect(running).toEqual([
      [1, 'worker-a'],
      [2, 'worker-b'],
    ]);
    const resumed = events.filter((e) => e.event === 'resumed');
    expect(resumed).toHaveLength(1);
    const lastCheckpoint = events
      .slice(0, events.indexOf(resumed[0]))
      .filter((e) => e.event === 'checkpoint')
      .at(-1)!.data.epoch;
    expect(resumed[0].data.from_epoch).toBe(lastCheckpoint);
    expect(events.filter((e) => e.event === 'epoch').map((e) => e.data.epoch)).toEqual(
      Array.from({ length: 150 }, (_, i) => i + 1),
    );
    expect(events.filter((e) => ['completed', 'failed', 'cancelled'].includes(e.event)).map((e) => e.event)).toEqual([
      'completed',
    ]);
    // Handed back, not failed: the interruption spent no retry and waited for no backoff.
    expect(await suite.client.getJob(id)).toMatchObject({ status: 'succeeded', attempts: 2, epoch: 150 });
    const queued = await settledJob(suite.stack, id);
    expect(queued?.attemptsMade).toBe(1);
    expect(queued?.stalledCounter).toBe(0);
  });

  it('a job that ends within the grace period finishes on the draining worker', async () => {
    const a = spawn('worker-a', { SHUTDOWN_GRACE_MS: '20000' });
    const { id } = await suite.client.submitJob(
      spiralsJob({ epochs: 8, samples: 1000, seed: 6 }) as unknown as JobSpec,
    );
    const events: Event[] = [];
    for await (const e of suite.client.events(id)) {
      events.push(e as Event);
      if (e.event === 'epoch' && (e.data as any).epoch === 2) a.child.kill('SIGTERM');
    }
    expect(await a.exited).toEqual({ code: 0, signal: null });
    expect(events.at(-1)!.event).toBe('completed');
    expect(events.some((e) => e.event === 'resumed')).toBe(false);
    expect(await suite.client.getJob(id)).toMatchObject({ status: 'succeeded', attempts: 1, epoch: 8 });
  });
});
