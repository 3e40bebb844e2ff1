import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainyardClient } from '../packages/client/src/index.js';
import type { JobSpec } from '../packages/contracts/src/index.js';
import { spiralsJob } from './fixtures.js';
import { settledJob, startStack, type Stack } from './stack.js';
import { expectStoppedCheckpoint } from './stopped-checkpoint.js';

type Event = { event: string; data: any };

/** A job that would train for a minute or more, given `timeout_seconds`. */
const longJob = (timeout_seconds: number) =>
  ({ ...spiralsJob({ epochs: 500, samples: 2000 }), timeout_seconds }) as unknown as JobSpec;

async function follow(client: TrainyardClient, id: string): Promise<Event[]> {
  const events: Event[] = [];
  for await (const e of client.events(id)) events.push(e as Event);
  return events;
}

describe('a job past its timeout_seconds', () => {
  let stack: Stack;
  let client: TrainyardClient;
  beforeAll(async () => {
    stack = await startStack({ workers: 0 });
    client = new TrainyardClient({ baseUrl: stack.url });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('stops at a batch boundary once its budget is spent, keeps a checkpoint, and fails JOB_TIMEOUT without a retry', async () => {
    stack.addWorker();
    const { id } = await client.submitJob(longJob(2));
    const events = await follow(client, id);

    const end = events.at(-1)!;
    expect(end).toMatchObject({
      event: 'failed',
      data: {
        error: {
          code: 'JOB_TIMEOUT',
          message: expect.stringMatching(/time budget of 2 s; its checkpoint holds epoch \d+/),
        },
      },
    });
    expect(events.filter((e) => ['completed', 'failed', 'cancelled'].includes(e.event))).toHaveLength(1);
    await expectStoppedCheckpoint(stack, id, events, longJob(2));
    const job = await client.getJob(id);
    expect(job).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'JOB_TIMEOUT' } });
    // Stopped once the budget ran out, counted from the first start, and not by reaching epoch 500.
    const ranMs = Date.parse(job.finished_at!) - Date.parse(job.started_at!);
    expect(ranMs).toBeGreaterThanOrEqual(2000);
    expect(events.filter((e) => e.event === 'epoch').length).toBeLessThan(500);
    // BullMQ records the attempt once the job's thread has exited, just after the terminal event.
    const queued = await settledJob(stack, id);
    expect(queued?.opts.attempts).toBeGreaterThan(1);
    expect(await queued?.getState()).toBe('failed');
    expect(queued?.attemptsMade).toBe(1);
  });

  it('the budget counts from the first start: an attempt that starts after it is spent fails at once', async () => {
    // No worker is free (the stack's worker is busy or gone), so set up the record as a first
    // attempt would have left it an hour ago, then let a fresh worker take the job.
    await Promise.all(stack.workers.splice(0).map((w) => w.close(2000)));
    const { id } = await client.submitJob(longJob(60));
    await stack.app.redis.hset(
      `${stack.prefix}:job:${id}`,
      'started_at',
      new Date(Date.now() - 3600_000).toISOString(),
    );
    stack.addWorker();
    const events = await follow(client, id);
    expect(events.map((e) => e.event)).toEqual(['status', 'status', 'failed']);
    expect(events.at(-1)!.data).toEqual({
      type: 'failed',
      error: { code: 'JOB_TIMEOUT', message: 'the job ran out of its time budget of 60 s' },
    });
    expect(await client.getJob(id)).toMatchObject({ status: 'failed', attempts: 1 });
  });
});
