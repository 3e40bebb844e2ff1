import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { MAX_STREAM_JOBS } from '../services/api/src/routes/events.js';
import { TrainyardClient } from '../packages/client/src/index.js';
import { readSse, type SseEvent } from './sse.js';
import { REDIS_URL, postJson, startStack, type Stack } from './stack.js';
import { spiralsJob } from './fixtures.js';

type Data = { type?: string; job_id?: string; message?: string; status?: string };

describe('GET /v1/events (several jobs on one stream)', () => {
  let stack: Stack;
  let redis: Redis;
  let a: string;
  let b: string;
  let first: SseEvent[];
  const xadd = (job: string, event: Record<string, unknown>) =>
    redis.xadd(`${stack.prefix}:events:${job}`, '*', 'type', String(event.type), 'data', JSON.stringify(event));
  const url = (query: string) => `${stack.url}/v1/events?${query}`;
  const waitForSubscribers = async (n: number) => {
    for (let i = 0; i < 200 && stack.app.hub.subscribers < n; i++) await new Promise((r) => setTimeout(r, 10));
    expect(stack.app.hub.subscribers).toBe(n);
  };

  beforeAll(async () => {
    // No worker: the test writes each job's events itself, as the worker would.
    stack = await startStack({ workers: 0, api: { sseHeartbeatMs: 100 } });
    redis = new Redis(REDIS_URL);
    a = (await postJson(`${stack.url}/v1/jobs`, spiralsJob())).body.id;
    b = (await postJson(`${stack.url}/v1/jobs`, spiralsJob())).body.id;
  });
  afterAll(async () => {
    redis.disconnect();
    await stack.close();
  });

  it('interleaves two jobs live, tags each event with its job, and ends after both terminals', async () => {
    const comments: string[] = [];
    const reading = readSse(url(`jobs=${a},${b}`), { timeoutMs: 5000, onComment: (c) => comments.push(c) });
    await waitForSubscribers(2);
    await xadd(a, { type: 'log', level: 'info', message: 'a1' });
    await xadd(b, { type: 'log', level: 'info', message: 'b1' });
    await xadd(a, { type: 'completed', metrics: { loss: 0.1 }, seconds: 1 });
    // a is done; the stream stays open (and heartbeats) for b.
    await new Promise((r) => setTimeout(r, 250));
    await xadd(b, { type: 'log', level: 'info', message: 'b2' });
    await xadd(b, { type: 'failed', error: { code: 'X', message: 'boom' } });
    const r = await reading;
    expect(r.status).toBe(200);
    expect(r.ended).toBe(true);
    first = r.events;
    const of = (job: string) =>
      r.events
        .filter((e) => (e.data as Data).job_id === job)
        .map((e) => `${e.event}:${(e.data as Data).message ?? ''}`);
    // Each job's events keep their order; across jobs they interleave as they arrive.
    expect(of(a)).toEqual(['status:', 'log:a1', 'completed:']);
    expect(of(b)).toEqual(['status:', 'log:b1', 'log:b2', 'failed:']);
    const at = (job: string, event: string) =>
      r.events.findIndex((e) => (e.data as Data).job_id === job && e.event === event);
    expect(at(a, 'completed')).toBeLessThan(at(b, 'failed'));
    expect(r.events.findIndex((e) => (e.data as Data).message === 'b2')).toBeGreaterThan(at(a, 'completed'));
    for (const e of r.events) {
      const d = e.data as Data;
      expect(e.id).toMatch(new RegExp(`^${d.job_id}/\\d+-\\d+$`));
      expect(d.type).toBe(e.event);
    }
    expect(comments).toContain('ping');
    await new Promise((r) => setTimeout(r, 50));
    expect(stack.app.hub.subscribers).toBe(0);
  });

  it('resumes each job after its pair from ?after= or a comma-separated Last-Event-ID', async () => {
    const idsOf = (job: string) => first.filter((e) => (e.data as Data).job_id === job).map((e) => e.id);
    const [aStatus, aLog, aDone] = idsOf(a) as [string, string, string];
    const [bStatus, bLog1, bLog2, bDone] = idsOf(b) as [string, string, string, string];
    // a resumes after its log (only "completed" is left), b after its status (everything else).
    const cursor = `${aLog},${bStatus}`;
    const byQuery = await readSse(url(`jobs=${a},${b}&after=${encodeURIComponent(cursor)}`), { timeoutMs: 3000 });
    expect(byQuery.ended).toBe(true);
    expect(byQuery.events.map((e) => e.id)).toEqual([aDone, bLog1, bLog2, bDone]);
    const byHeader = await readSse(url(`jobs=${a},${b}`), { lastEventId: cursor, timeoutMs: 3000 });
    expect(byHeader.events.map((e) => e.id)).toEqual([aDone, bLog1, bLog2, bDone]);
    // Only b's pair (what a browser resends): a replays from its start.
    const partial = await readSse(url(`jobs=${a},${b}`), { lastEventId: bLog2, timeoutMs: 3000 });
    expect(partial.events.map((e) => e.id)).toEqual([aStatus, aLog, aDone, bDone]);
  });

  it('is followed by the client across both jobs', async () => {
    const client = new TrainyardClient({ baseUrl: stack.url });
    const got: string[] = [];
    for await (const e of client.eventsForJobs([a, b])) got.push(e.id);
    expect([...got].sort()).toEqual(first.map((e) => e.id).sort());
  });

  it("ends at once when the client already has every finished job's terminal event", async () => {
    // As the worker does, the job records say the jobs have finished.
    await redis.hset(`${stack.prefix}:job:${a}`, 'status', 'succeeded');
    await redis.hset(`${stack.prefix}:job:${b}`, 'status', 'failed');
    const last = (job: string) => first.filter((e) => (e.data as Data).job_id === job).at(-1)!.id;
    const r = await readSse(url(`jobs=${a},${b}&after=${encodeURIComponent(`${last(a)},${last(b)}`)}`), {
      timeoutMs: 2000,
    });
    expect(r.ended).toBe(true);
    expect(r.events).toEqual([]);
  });

  it('rejects bad input with a coded 4xx before the stream starts', async () => {
    const expectError = async (query: string, status: number, code: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${stack.url}/v1/events${query}`, { headers });
      expect(res.status, query).toBe(status);
      expect(res.headers.get('content-type'), query).toMatch(/application\/json/);
      const body = (await res.json()) as { error: { code: string; message: string; details: Record<string, unknown> } };
      expect(body.error.code, query).toBe(code);
      return body.error;
    };
    await expectError('', 400, 'VALIDATION_FAILED');
    await expectError('?jobs=', 400, 'VALIDATION_FAILED');
    await expectError(`?jobs=${a},`, 400, 'VALIDATION_FAILED');
    await expectError('?jobs=%20', 400, 'VALIDATION_FAILED');
    const tooMany = Array.from({ length: MAX_STREAM_JOBS + 1 }, (_, i) => `job_x${i}`).join(',');
    expect((await expectError(`?jobs=${tooMany}`, 400, 'VALIDATION_FAILED')).details.limit).toBe(MAX_STREAM_JOBS);
    expect((await expectError(`?jobs=${a},nope`, 400, 'VALIDATION_FAILED')).message).toContain('"nope"');
    await expectError(`?jobs=${a},job_bad!id`, 400, 'VALIDATION_FAILED');
    const missing = 'job_doesnotexist';
    const notFound = await expectError(`?jobs=${a},${missing}`, 404, 'JOB_NOT_FOUND');
    expect(notFound.message).toContain(missing);
    expect(notFound.details.id).toBe(missing);
    await expectError(`?jobs=${a}&after=${a}/notanid`, 400, 'INVALID_LAST_EVENT_ID');
    await expectError(`?jobs=${a}&after=${b}/1-0`, 400, 'INVALID_LAST_EVENT_ID');
    await expectError(`?jobs=${a}`, 400, 'INVALID_LAST_EVENT_ID', { 'last-event-id': '1-0' });
    expect(stack.app.hub.subscribers).toBe(0);
  });
});
