import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { readSse, strictlyIncreasing } from './sse.js';
import { REDIS_URL, getJson, postJson, startStack, type Stack } from './stack.js';
import { spiralsJob } from './fixtures.js';

describe('SSE replay with Last-Event-ID', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('a client that disconnects halfway and reconnects gets exactly what it missed', async () => {
    const { body } = await postJson(`${stack.url}/v1/jobs`, spiralsJob({ epochs: 20 }));
    const url = `${stack.url}${body.links.events}`;

    // First connection: leave after the fifth event, while the job is still training.
    const first = await readSse(url, { limit: 5 });
    expect(first.ended).toBe(false);
    expect(first.events).toHaveLength(5);
    const job = await getJson(`${stack.url}/v1/jobs/${body.id}`);
    expect(['queued', 'running']).toContain(job.status);

    // Reconnect where we left off, and read to the end.
    const second = await readSse(url, { lastEventId: first.events.at(-1)!.id });
    expect(second.ended).toBe(true);
    const seen = [...first.events, ...second.events];

    // What the two connections saw, together, is the whole stream: no gap, no duplicate.
    const redis = new Redis(REDIS_URL);
    const all = await redis.xrange(`${stack.prefix}:events:${body.id}`, '-', '+');
    redis.disconnect();
    expect(seen.map((e) => e.id)).toEqual(all.map(([id]) => id));
    expect(strictlyIncreasing(seen.map((e) => e.id))).toBe(true);
    expect(seen.filter((e) => e.event === 'epoch')).toHaveLength(20);
    expect(seen.at(-1)!.event).toBe('completed');
    expect(second.events.filter((e) => e.event === 'completed')).toHaveLength(1);
  });

  it('a client that reconnects after the terminal event gets nothing and the stream ends', async () => {
    const { body } = await postJson(`${stack.url}/v1/jobs`, spiralsJob({ epochs: 2, samples: 200 }));
    const url = `${stack.url}${body.links.events}`;
    const whole = await readSse(url);
    expect(whole.events.at(-1)!.event).toBe('completed');
    const again = await readSse(url, { lastEventId: whole.events.at(-1)!.id, timeoutMs: 5000 });
    expect(again.ended).toBe(true);
    expect(again.events).toEqual([]);
    // And a fresh client replays the finished job from the start.
    const replay = await readSse(url, { timeoutMs: 5000 });
    expect(replay.events.map((e) => e.id)).toEqual(whole.events.map((e) => e.id));
  });

  it('rejects a malformed Last-Event-ID and an unknown job with coded errors', async () => {
    const { body } = await postJson(`${stack.url}/v1/jobs`, spiralsJob({ epochs: 1, samples: 100 }));
    const bad = await fetch(`${stack.url}${body.links.events}`, { headers: { 'last-event-id': 'yesterday' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.code).toBe('INVALID_LAST_EVENT_ID');
    const missing = await fetch(`${stack.url}/v1/jobs/job_doesnotexist/events`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error.code).toBe('JOB_NOT_FOUND');
    await readSse(`${stack.url}${body.links.events}`);
  });
});
