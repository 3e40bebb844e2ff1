import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TENANT } from '../packages/contracts/src/index.js';
import { jobKeys, keys } from '../packages/store/src/index.js';
import { Rng } from '../packages/tensor/src/index.js';
import { spiralsJob } from './fixtures.js';
import { postJson, startStack, type Stack } from './stack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/** The same delays on every run: the engine's seeded generator. */
function seeded(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.uniform();
}

/** A job that trains in a few batches once its thread is up. */
const tinyJob = (seed: number) => spiralsJob({ epochs: 3, samples: 64, seed });

async function submit(stack: Stack, seed: number): Promise<string> {
  const { status, body } = await postJson(`${stack.url}/v1/jobs`, tinyJob(seed));
  // A slot a cancelled job kept would, sooner or later, make this a 429 ACTIVE_JOB_LIMIT.
  expect(status, JSON.stringify(body)).toBe(201);
  return body.id as string;
}

/** Cancels; answers the status the api saw ('finished' for a 409: it had succeeded or failed). */
async function cancel(stack: Stack, id: string): Promise<{ status: number; job: string }> {
  const { status, body } = await postJson(`${stack.url}/v1/jobs/${id}/cancel`, {});
  expect([200, 202, 409], JSON.stringify(body)).toContain(status);
  return { status, job: status === 409 ? 'finished' : (body.status as string) };
}

/** Waits until every job has ended (or the time is up) and returns their records. */
async function settle(stack: Stack, ids: string[], ms = 60_000): Promise<Record<string, string>[]> {
  const end = Date.now() + ms;
  for (;;) {
    const pipe = stack.app.redis.pipeline();
    for (const id of ids) pipe.hgetall(keys.job(stack.prefix, id));
    const records = ((await pipe.exec()) ?? []).map(([, h]) => h as Record<string, string>);
    if (records.every((r) => TERMINAL.includes(r.status ?? '')) || Date.now() > end) return records;
    await sleep(100);
  }
}

/** Terminal events, and the workers that ran the job, from each job's stream. */
async function streams(stack: Stack, ids: string[]): Promise<{ terminal: string[]; workers: string[] }[]> {
  const pipe = stack.app.redis.pipeline();
  for (const id of ids) pipe.xrange(keys.events(stack.prefix, id), '-', '+');
  return ((await pipe.exec()) ?? []).map(([, entries]) => {
    const events = (entries as [string, string[]][]).map(([, f]) => ({
      type: f[1],
      data: JSON.parse(f[3]) as { status?: string; worker?: string },
    }));
    return {
      terminal: events.filter((e) => ['completed', 'failed', 'cancelled'].includes(e.type)).map((e) => e.type),
      workers: events.filter((e) => e.type === 'status' && e.data.status === 'running').map((e) => e.data.worker!),
    };
  });
}

/** The most jobs whose [started_at, finished_at] overlap at one moment, per worker. */
function maxOverlap(intervals: { worker: string; from: number; to: number }[]): Map<string, number> {
  const byWorker = new Map<string, number>();
  for (const worker of new Set(intervals.map((i) => i.worker))) {
    const points = intervals
      .filter((i) => i.worker === worker)
      .flatMap((i) => [[i.from, 1] as const, [i.to, -1] as const]);
    // At equal times the end comes first: one job ending as the next starts is no overlap.
    points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let now = 0;
    let most = 0;
    for (const [, d] of points) most = Math.max(most, (now += d));
    byWorker.set(worker, most);
  }
  return byWorker;
}

async function activeIndex(stack: Stack): Promise<number> {
  const r = stack.app.redis;
  return (
    (await r.zcard(jobKeys.byStatus(stack.prefix, DEFAULT_TENANT, 'queued'))) +
    (await r.zcard(jobKeys.byStatus(stack.prefix, DEFAULT_TENANT, 'running')))
  );
}

describe('cancelling a job as a worker picks it up (issue 13)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ workers: 0, api: { maxActiveJobs: 20, rateLimitPerMinute: 0 } });
    stack.addWorker({ name: 'worker-1', concurrency: 1 });
    stack.addWorker({ name: 'worker-2', concurrency: 1 });
    await Promise.all(stack.workers.map((w) => w.ready));
  });
  afterAll(async () => {
    await stack.close();
  });

  it('three cancels in parallel right after the submit: every job ends cancelled at once, none stays queued', async () => {
    const rand = seeded(13);
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) {
      const id = await submit(stack, i);
      ids.push(id);
      await Promise.all([0, 1, 2].map(async () => (await sleep(rand() * 30), cancel(stack, id))));
    }
    // No batch to wait for: each was queued, being picked up, or at its first batch.
    const records = await settle(stack, ids, 10_000);
    expect(records.map((r) => r.status)).toEqual(ids.map(() => 'cancelled'));
    expect(await activeIndex(stack)).toBe(0);
    for (const s of await streams(stack, ids)) expect(s.terminal).toEqual(['cancelled']);
  });

  it('500 submit-then-cancel pairs at seeded random delays, some with cancels in parallel: each job cancelled, or succeeded when it finished first; no slot kept; no worker above its concurrency', async () => {
    const rand = seeded(500);
    const PAIRS = 500;
    const IN_FLIGHT = 6; // below the tenant's limit of 20: only a kept slot can make a submit fail
    const ids: string[] = [];
    const answers = new Map<string, string[]>();
    const status = (id: string) => stack.app.redis.hget(keys.job(stack.prefix, id), 'status');
    const until = async (id: string, want: string[]) => {
      while (!want.includes((await status(id)) ?? '')) await sleep(10);
    };
    let next = 0;
    const pair = async (): Promise<void> => {
      for (let i = next++; i < PAIRS; i = next++) {
        const moment = rand();
        const delay = rand() * 200;
        const parallel = rand() < 0.3 ? 3 : 1;
        const jitter = Array.from({ length: parallel }, () => rand() * 20);
        const id = await submit(stack, i);
        ids.push(id);
        // Mostly at random while it is queued or being picked up; some once it runs (mid-batch
        // or between batches), a few once it has finished, whatever the host's speed.
        if (moment < 0.03) await until(id, TERMINAL);
        else if (moment < 0.1) await until(id, ['running', ...TERMINAL]);
        else await sleep(delay);
        const replies = await Promise.all(jitter.map(async (j) => (await sleep(j), cancel(stack, id))));
        answers.set(
          id,
          replies.map((r) => r.job),
        );
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: IN_FLIGHT }, pair));

    const records = await settle(stack, ids);
    const stored = await streams(stack, ids);
    const counts: Record<string, number> = {};
    records.forEach((r, i) => {
      const id = ids[i];
      counts[r.status!] = (counts[r.status!] ?? 0) + 1;
      expect(['cancelled', 'succeeded'], `${id}: ${JSON.stringify(r)}`).toContain(r.status);
      // One terminal event, the one the record says.
      expect(stored[i].terminal).toEqual([r.status === 'cancelled' ? 'cancelled' : 'completed']);
      // A cancel that found the job already done leaves it succeeded.
      if (answers.get(id)!.includes('finished')) expect(r.status).toBe('succeeded');
      // Each job started at most once (no retry, no second worker).
      expect(stored[i].workers.length).toBeLessThanOrEqual(1);
    });
    // The delays reach all three moments: queued, being picked up or running, and finished.
    expect(counts.cancelled).toBeGreaterThan(0);
    expect(counts.succeeded).toBeGreaterThan(0);
    expect(await activeIndex(stack)).toBe(0);
    // BullMQ let go of every job: removed while queued, or completed (cancelled or succeeded).
    for (const id of ids) {
      const job = await stack.app.queue.getJob(id);
      if (job) expect(await job.getState()).toBe('completed');
    }

    // Concurrency: the threads each worker ran at once, counted as they start and exit …
    for (const w of stack.workers) expect(w.stats.peak).toBe(1);
    expect(stack.workers.every((w) => w.stats.running === 0)).toBe(true);
    // … and the jobs' own records: per worker, never two jobs between started_at and finished_at.
    const intervals = records.flatMap((r, i) =>
      r.started_at
        ? [{ worker: stored[i].workers[0], from: Date.parse(r.started_at), to: Date.parse(r.finished_at!) }]
        : [],
    );
    expect(intervals.length).toBeGreaterThan(0);
    const overlap = maxOverlap(intervals);
    expect([...overlap.keys()].sort()).toEqual(['worker-1', 'worker-2']);
    for (const [, most] of overlap) expect(most).toBe(1);
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    console.log(
      `cancel stress: ${PAIRS} pairs in ${seconds} s, ${JSON.stringify(counts)}, ${intervals.length} started, peak threads per worker ${stack.workers.map((w) => w.stats.peak).join('/')}`,
    );
  }, 300_000);
});
