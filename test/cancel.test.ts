import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TrainyardClient } from '../packages/client/src/index.js';
import type { JobSpec } from '../packages/contracts/src/index.js';
import { spiralsJob } from './fixtures.js';
import { REDIS_URL, startStack, testPrefix, type Stack } from './stack.js';
import { expectStoppedCheckpoint } from './stopped-checkpoint.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A job that would train for a minute or more: long enough to be cancelled mid-fit. */
const longJob = () => spiralsJob({ epochs: 500, samples: 2000 }) as unknown as JobSpec;

async function cancelStatus(url: string, id: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/v1/jobs/${id}/cancel`, { method: 'POST' });
  return { status: res.status, body: await res.json() };
}

/**
 * Follows a job's events, cancels it through the api after its first epoch event, and returns
 * everything the stream carried up to its end.
 */
async function trainThenCancel(client: TrainyardClient, url: string, id: string) {
  const events: { event: string; data: any }[] = [];
  let cancel: { status: number; body: any } | undefined;
  for await (const e of client.events(id)) {
    events.push(e as never);
    if (e.event === 'epoch' && !cancel) cancel = await cancelStatus(url, id);
  }
  return { events, cancel: cancel! };
}

async function expectNeverRetried(stack: Stack, client: TrainyardClient, id: string, streamLength: number) {
  // A retry would leave the BullMQ job failed or delayed, not completed; wait a little anyway.
  await new Promise((r) => setTimeout(r, 500));
  const job = await client.getJob(id);
  expect(job).toMatchObject({ status: 'cancelled', attempts: 1 });
  expect(await stack.app.redis.xlen(`${stack.prefix}:events:${id}`)).toBe(streamLength);
  const queued = await stack.app.queue.getJob(id);
  expect(await queued?.getState()).toBe('completed');
  expect(queued?.attemptsMade).toBe(1);
  expect(queued?.returnvalue).toMatchObject({ status: 'cancelled' });
}

describe('cancel through the api, with a real worker', () => {
  let stack: Stack;
  let client: TrainyardClient;
  beforeAll(async () => {
    stack = await startStack({ workers: 1 });
    await Promise.all(stack.workers.map((w) => w.ready));
    client = new TrainyardClient({ baseUrl: stack.url });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('stops a running job after its first epoch: one cancelled event, never retried; a queued one is cancelled at once', async () => {
    const { id } = await client.submitJob(longJob());
    // The one worker (concurrency 1) is busy with the first job, so this one waits in the queue.
    const waiting = await client.submitJob(longJob());
    const { events, cancel } = await (async () => {
      const run = trainThenCancel(client, stack.url, id);
      const queued = await cancelStatus(stack.url, waiting.id);
      expect(queued.status).toBe(200);
      expect(queued.body).toMatchObject({ id: waiting.id, status: 'cancelled', attempts: 0 });
      return run;
    })();

    expect(cancel.status).toBe(202);
    expect(cancel.body).toMatchObject({ id, status: 'running' });
    const terminal = events.filter((e) => ['completed', 'failed', 'cancelled'].includes(e.event));
    expect(terminal).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({
      event: 'cancelled',
      data: { type: 'cancelled', reason: 'cancelled by request' },
    });
    const epochs = events.filter((e) => e.event === 'epoch').length;
    expect(epochs).toBeGreaterThanOrEqual(1);
    expect(epochs).toBeLessThan(500); // stopped by the cancel, not by reaching epoch 500
    await expectStoppedCheckpoint(stack, id, events, longJob());
    await expectNeverRetried(stack, client, id, events.length);

    // The queued job never ran and ended with one event after its first.
    expect(await client.getJob(waiting.id)).toMatchObject({ status: 'cancelled', attempts: 0 });
    const waitingEvents = [];
    for await (const e of client.events(waiting.id)) waitingEvents.push(e.event);
    expect(waitingEvents).toEqual(['status', 'cancelled']);

    // Repeating the cancel changes nothing; the history is there; a finished job can be deleted.
    expect(await cancelStatus(stack.url, id)).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    const history = await client.getMetrics(id, { maxPoints: 100 });
    expect(history.epochs).toHaveLength(epochs);
    expect(history.metrics.loss).toHaveLength(epochs);
    const listed = await client.listJobs({ status: 'cancelled' });
    expect(listed.items.map((j) => j.id).sort()).toEqual([id, waiting.id].sort());
    await client.deleteJob(id);
    await expect(client.getJob(id)).rejects.toMatchObject({ status: 404 });
  });

  it('stops a running job whose cancel message was lost: the attempt re-reads its record', async () => {
    const { id } = await client.submitJob(longJob());
    const events: { event: string; data: any }[] = [];
    for await (const e of client.events(id)) {
      events.push(e as never);
      // What the api writes before it publishes, with the publish lost (a subscriber reconnecting).
      if (e.event === 'epoch' && events.filter((x) => x.event === 'epoch').length === 1)
        await stack.app.redis.hset(`${stack.prefix}:job:${id}`, 'cancel_requested', new Date().toISOString());
    }
    expect(events.at(-1)).toMatchObject({
      event: 'cancelled',
      data: { type: 'cancelled', reason: 'cancelled by request' },
    });
    expect(events.filter((e) => e.event === 'epoch').length).toBeLessThan(500);
    await expectStoppedCheckpoint(stack, id, events, longJob());
    await expectNeverRetried(stack, client, id, events.length);
  });
});

describe('cancel reaches a worker in another process', () => {
  let stack: Stack;
  let child: ChildProcess | undefined;
  let output = '';
  beforeAll(async () => {
    stack = await startStack({ workers: 0, prefix: testPrefix() });
  });
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
  afterAll(async () => {
    await stack.close();
  });

  it('the api publishes, the remote worker aborts its thread, and the job ends cancelled once', async () => {
    child = spawn(
      process.execPath,
      ['--conditions=@trainyard/source', '--import', 'tsx', 'services/worker/src/main.ts'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          REDIS_URL,
          TRAINYARD_PREFIX: stack.prefix,
          WORKER_NAME: 'remote-worker',
          LOG_LEVEL: 'info',
          SHUTDOWN_GRACE_MS: '3000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const client = new TrainyardClient({ baseUrl: stack.url });
    const { id } = await client.submitJob(longJob());
    const { events, cancel } = await trainThenCancel(client, stack.url, id);

    expect(cancel.status).toBe(202);
    expect(events.find((e) => e.event === 'status' && e.data.status === 'running')?.data.worker).toBe('remote-worker');
    expect(events.filter((e) => ['completed', 'failed', 'cancelled'].includes(e.event)).map((e) => e.event)).toEqual([
      'cancelled',
    ]);
    expect(events.at(-1)!.event).toBe('cancelled');
    expect(output).toMatch(new RegExp(`"jobId":"${id}".*"msg":"cancelling job"`));
    await expectStoppedCheckpoint(stack, id, events, longJob());
    await expectNeverRetried(stack, client, id, events.length);
  });
});
