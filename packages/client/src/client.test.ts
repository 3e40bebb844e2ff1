import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TrainyardClient, TrainyardError } from './client.js';
import { parseEventStream } from './sse.js';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(enc.encode(ch));
      c.close();
    },
  });
}

describe('parseEventStream', () => {
  it('parses fields across chunk boundaries, CRLF, multi-line data and comments', async () => {
    const comments: string[] = [];
    const body = streamOf(['retry: 10\n\n: pi', 'ng\n\nid: 1-0\r\nevent: epoch\r\ndata: {"a"', ':1}\r\n\r\n', 'id: 1-1\ndata: line one\ndata: line two\n\n', 'data: {"dangling"']);
    const events = [];
    for await (const e of parseEventStream(body, (c) => comments.push(c))) events.push(e);
    expect(comments).toEqual(['ping']);
    expect(events).toEqual([
      { id: '1-0', event: 'epoch', data: { a: 1 } },
      { id: '1-1', event: 'message', data: 'line one\nline two' },
    ]);
  });
});

describe('TrainyardClient.events', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it('reconnects with Last-Event-ID after a dropped connection and delivers each event once', async () => {
    const seen: (string | undefined)[] = [];
    server = createServer((req, res) => {
      const last = req.headers['last-event-id'] as string | undefined;
      seen.push(last);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (!last) {
        res.write('id: 1-0\nevent: status\ndata: {"type":"status","status":"running"}\n\n');
        res.write('id: 2-0\nevent: epoch\ndata: {"type":"epoch","epoch":1}\n\n');
        setTimeout(() => res.destroy(), 20); // the connection drops before the job ends
      } else {
        expect(last).toBe('2-0');
        res.end('id: 3-0\nevent: completed\ndata: {"type":"completed","metrics":{}}\n\n');
      }
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const client = new TrainyardClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    const got = [];
    for await (const e of client.events('job_x', { retryMs: 10 })) got.push(e.id);
    expect(got).toEqual(['1-0', '2-0', '3-0']);
    expect(seen).toEqual([undefined, '2-0']);
  });

  it('turns an error answer into a TrainyardError with its code', async () => {
    server = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'JOB_NOT_FOUND', message: 'No job job_x' } }));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const client = new TrainyardClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    await expect(client.getJob('job_x')).rejects.toMatchObject({ status: 404, code: 'JOB_NOT_FOUND' });
    await expect(client.getJob('job_x')).rejects.toBeInstanceOf(TrainyardError);
    const it = client.events('job_x');
    await expect(it.next()).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
  });
});
