import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { readSse } from './sse.js';
import { REDIS_URL, postJson, startStack, type Stack } from './stack.js';
import { spiralsJob } from './fixtures.js';

describe('SSE delivery', () => {
  let stack: Stack;
  beforeAll(async () => {
    // No worker: jobs stay queued, so streams stay open and quiet.
    stack = await startStack({ workers: 0, api: { sseHeartbeatMs: 100 } });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('sends proxy-safe headers, a retry hint and heartbeat comments on an idle stream', async () => {
    const { body } = await postJson(`${stack.url}/v1/jobs`, spiralsJob());
    const comments: string[] = [];
    const res = await readSse(`${stack.url}${body.links.events}`, {
      timeoutMs: 450,
      onComment: (c) => comments.push(c),
    }).catch((e: Error) => e);
    // The read times out by design; what matters is what arrived before.
    expect(res).toBeInstanceOf(Error);
    expect(comments.filter((c) => c === 'ping').length).toBeGreaterThanOrEqual(2);
    const head = await fetch(`${stack.url}${body.links.events}`);
    expect(head.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(head.headers.get('x-accel-buffering')).toBe('no');
    const reader = head.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first.startsWith('retry: ')).toBe(true);
    await reader.cancel();
  });

  it('fans one job out to 50 clients through the same two Redis connections, live', async () => {
    const { body } = await postJson(`${stack.url}/v1/jobs`, spiralsJob());
    const redis = new Redis(REDIS_URL);
    const apiConnections = async () =>
      ((await redis.client('LIST')) as string)
        .split('\n')
        .filter((l) => l.includes(`@${stack.prefix}`) && /name=trainyard-api/.test(l)).length;
    const before = await apiConnections();

    const readers = Array.from({ length: 50 }, () =>
      readSse(`${stack.url}${body.links.events}`, { limit: 3, timeoutMs: 10_000 }),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(stack.app.hub.subscribers).toBe(50);
    expect(await apiConnections()).toBe(before);

    // Events written now reach every client through the hub.
    const key = `${stack.prefix}:events:${body.id}`;
    for (const n of [1, 2])
      await redis.xadd(
        key,
        '*',
        'type',
        'log',
        'data',
        JSON.stringify({ type: 'log', level: 'info', message: `hello ${n}` }),
      );
    const results = await Promise.all(readers);
    for (const r of results) {
      expect(r.events.map((e) => e.event)).toEqual(['status', 'log', 'log']);
      expect(r.events.map((e) => (e.data as { message?: string }).message)).toEqual([undefined, 'hello 1', 'hello 2']);
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(stack.app.hub.subscribers).toBe(0);
    redis.disconnect();
  });
});

describe('api shutdown', () => {
  it('ends open streams when the api closes, and a client resumes on a new api without a gap', async () => {
    const first = await startStack({ workers: 0 });
    const { body } = await postJson(`${first.url}/v1/jobs`, spiralsJob({ epochs: 3, samples: 300 }));
    const reading = readSse(`${first.url}${body.links.events}`, { timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 200));
    // Closing does not wait for streaming clients: it ends their streams. Were it to wait for this
    // one, the reader would give up at its own 10 s timeout and reject.
    const closing = first.app.close();
    const cut = await reading;
    await closing;
    expect(cut.ended).toBe(true);
    expect(cut.events.map((e) => e.event)).toEqual(['status']);

    // The job and its stream live in Redis: a new api on the same prefix continues the stream.
    const second = await startStack({ workers: 1, prefix: first.prefix });
    try {
      const rest = await readSse(`${second.url}${body.links.events}`, { lastEventId: cut.events[0].id });
      expect(rest.events.map((e) => e.id)).not.toContain(cut.events[0].id);
      expect((rest.events[0].data as { status?: string }).status).toBe('running');
      expect(rest.events.at(-1)!.event).toBe('completed');
    } finally {
      await second.close();
    }
  });
});
