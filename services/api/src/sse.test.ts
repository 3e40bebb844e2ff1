import { EventEmitter } from 'node:events';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { StreamEntry } from './event-hub.js';
import {
  SSE_MAX_BUFFERED_BYTES,
  eventStreamer,
  parseLastEventId,
  parseResume,
  sseMessage,
  type StreamSource,
} from './sse.js';

const entry = (id: string, type: string, data: string): StreamEntry => ({ id, type, data });

describe('sseMessage', () => {
  it('frames a single stream as stored, and tags a multiplexed one in its id and data', () => {
    const e = entry('17-0', 'epoch', '{"type":"epoch","epoch":1}');
    expect(sseMessage({ id: 'job_a' }, e)).toBe('id: 17-0\nevent: epoch\ndata: {"type":"epoch","epoch":1}\n\n');
    expect(sseMessage({ id: 'job_a', field: 'job_id' }, e)).toBe(
      'id: job_a/17-0\nevent: epoch\ndata: {"type":"epoch","epoch":1,"job_id":"job_a"}\n\n',
    );
    expect(sseMessage({ id: 'swp_b', field: 'sweep_id' }, entry('18-1', 'sweep', '{}'))).toBe(
      'id: swp_b/18-1\nevent: sweep\ndata: {"sweep_id":"swp_b"}\n\n',
    );
  });
});

describe('resume positions', () => {
  it('takes a stream id or nothing for a single stream', () => {
    expect(parseLastEventId(undefined)).toBe('0-0');
    expect(parseLastEventId('1732700000000-3')).toBe('1732700000000-3');
    expect(() => parseLastEventId('job_a/1-0')).toThrow(/Last-Event-ID must be a stream id/);
  });

  it('keeps the newest pair per listed source and refuses the rest', () => {
    expect([...parseResume('job_a/5-0, job_b/2-0,job_a/7-1,', ['job_a', 'job_b'])]).toEqual([
      ['job_a', '7-1'],
      ['job_b', '2-0'],
    ]);
    expect(() => parseResume('job_c/1-0', ['job_a'])).toThrow(/job_c\/1-0/);
    expect(() => parseResume('job_a/x', ['job_a'])).toThrow(/Resume position/);
  });
});

/** A response that takes every byte written but drains none of it, as a client that stopped reading. */
class StalledResponse {
  chunks: string[] = [];
  status = 0;
  ended = false;
  writableLength = 0;
  get writableNeedDrain() {
    return this.writableLength > 16 * 1024;
  }
  writeHead(status: number) {
    this.status = status;
  }
  write(chunk: string) {
    this.chunks.push(chunk);
    this.writableLength += Buffer.byteLength(chunk);
    return !this.writableNeedDrain;
  }
  end() {
    this.ended = true;
  }
}

/** The writer over fake sources: `history` per key is what the hub replays on subscribing. */
function harness(history: Record<string, StreamEntry[]>) {
  const hooks: (() => Promise<void>)[] = [];
  let subscribed = 0;
  const app = {
    config: { sseHeartbeatMs: 60_000 },
    addHook: (_name: string, hook: () => Promise<void>) => hooks.push(hook),
    hub: {
      subscribe: async (key: string, _after: string, deliver: (e: StreamEntry) => void) => {
        subscribed++;
        for (const e of history[key] ?? []) deliver(e);
        return () => subscribed--;
      },
    },
    redis: { xrevrange: async () => [] },
  } as unknown as FastifyInstance;
  const res = new StalledResponse();
  const raw = new EventEmitter();
  const warnings: unknown[] = [];
  const request = {
    raw,
    log: { warn: (o: unknown) => warnings.push(o), error: () => {} },
  } as unknown as FastifyRequest;
  const reply = { hijack: () => {}, raw: res } as unknown as FastifyReply;
  const stream = eventStreamer(app);
  const source = (id: string, ended = false): StreamSource => ({
    id,
    key: id,
    after: '0-0',
    ended: async () => ended,
    terminal: (e) => e.type === 'completed',
  });
  return {
    res,
    raw,
    warnings,
    open: (sources: StreamSource[]) => stream(request, reply, sources),
    source,
    subscribed: () => subscribed,
    serverClose: () => Promise.all(hooks.map((h) => h())),
  };
}

describe('eventStreamer', () => {
  it('ends at the terminal event and lets the hub go', async () => {
    const h = harness({ a: [entry('1-0', 'epoch', '{}'), entry('2-0', 'completed', '{}'), entry('3-0', 'log', '{}')] });
    await h.open([h.source('a')]);
    expect(h.res.status).toBe(200);
    expect(h.res.chunks).toEqual([
      'retry: 2000\n\n',
      'id: 1-0\nevent: epoch\ndata: {}\n\n',
      'id: 2-0\nevent: completed\ndata: {}\n\n',
    ]);
    expect(h.res.ended).toBe(true);
    expect(h.subscribed()).toBe(0);
  });

  it('stays open for a live source until the client goes away or the server closes', async () => {
    const h = harness({ a: [entry('1-0', 'epoch', '{}')], b: [] });
    await h.open([h.source('a')]);
    expect(h.res.ended).toBe(false);
    h.raw.emit('close');
    expect(h.res.ended).toBe(true);
    expect(h.subscribed()).toBe(0);

    const h2 = harness({ b: [] });
    await h2.open([h2.source('b')]);
    expect(h2.subscribed()).toBe(1);
    await h2.serverClose();
    expect(h2.res.ended).toBe(true);
    expect(h2.subscribed()).toBe(0);
  });

  it("ends at once when a finished source's last event is already behind the client", async () => {
    const h = harness({ a: [] });
    await h.open([h.source('a', true)]);
    expect(h.res.ended).toBe(true);
  });

  it('disconnects a client that falls more than SSE_MAX_BUFFERED_BYTES behind, and writes nothing more', async () => {
    const big = `{"x":"${'y'.repeat(SSE_MAX_BUFFERED_BYTES / 3)}"}`;
    const h = harness({ a: [1, 2, 3, 4, 5].map((i) => entry(`${i}-0`, 'batch', big)) });
    await h.open([h.source('a')]);
    expect(h.res.ended).toBe(true);
    expect(h.res.chunks).toHaveLength(1 + 3); // the retry hint, then events up to the one that went over
    expect(h.res.writableLength).toBeGreaterThan(SSE_MAX_BUFFERED_BYTES);
    expect(h.warnings).toHaveLength(1);
    expect(h.subscribed()).toBe(0);
  });
});
