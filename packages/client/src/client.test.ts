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
    const body = streamOf([
      'retry: 10\n\n: pi',
      'ng\n\nid: 1-0\r\nevent: epoch\r\ndata: {"a"',
      ':1}\r\n\r\n',
      'id: 1-1\ndata: line one\ndata: line two\n\n',
      'data: {"dangling"',
    ]);
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

describe('TrainyardClient.eventsForJobs', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it('follows several jobs on one stream, resumes each job with ?after= and ends after every terminal', async () => {
    const seen: (string | null)[] = [];
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      expect(url.pathname).toBe('/v1/events');
      expect(url.searchParams.get('jobs')).toBe('job_a,job_b');
      const after = url.searchParams.get('after');
      seen.push(after);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (!after) {
        res.write('id: job_a/1-0\nevent: status\ndata: {"type":"status","job_id":"job_a"}\n\n');
        res.write('id: job_b/1-0\nevent: status\ndata: {"type":"status","job_id":"job_b"}\n\n');
        res.write('id: job_a/2-0\nevent: completed\ndata: {"type":"completed","job_id":"job_a"}\n\n');
        setTimeout(() => res.destroy(), 20); // the connection drops before job_b ends
      } else {
        res.end('id: job_b/2-0\nevent: failed\ndata: {"type":"failed","job_id":"job_b"}\n\n');
      }
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const client = new TrainyardClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    const got = [];
    for await (const e of client.eventsForJobs(['job_a', 'job_b'], { retryMs: 10 }))
      got.push(`${e.id}:${e.data.job_id}`);
    expect(got).toEqual(['job_a/1-0:job_a', 'job_b/1-0:job_b', 'job_a/2-0:job_a', 'job_b/2-0:job_b']);
    expect(seen).toEqual([null, 'job_a/2-0,job_b/1-0']);
  });
});

describe('TrainyardClient job management', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  /** A fake api that records each request and answers from a table. */
  async function fake(answers: Record<string, [number, unknown]>) {
    const seen: { method: string; url: string; headers: Record<string, unknown> }[] = [];
    server = createServer((req, res) => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers });
      const [status, body] = answers[`${req.method} ${req.url}`] ?? [
        404,
        { error: { code: 'NOT_FOUND', message: 'no' } },
      ];
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    return {
      client: new TrainyardClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }),
      seen,
    };
  }

  it('listJobs builds the query (statuses joined, limit, cursor) and returns the page', async () => {
    const page = { items: [], next_cursor: 'abc' };
    const { client, seen } = await fake({
      'GET /v1/jobs?status=queued%2Crunning&limit=5&cursor=xyz': [200, page],
      'GET /v1/jobs': [200, page],
    });
    expect(await client.listJobs({ status: ['queued', 'running'], limit: 5, cursor: 'xyz' })).toEqual(page);
    expect(await client.listJobs()).toEqual(page);
    expect(seen.map((s) => s.url)).toEqual(['/v1/jobs?status=queued%2Crunning&limit=5&cursor=xyz', '/v1/jobs']);
  });

  it('cancelJob, deleteJob and getMetrics call their routes; errors keep their codes', async () => {
    const view = { id: 'job_a', status: 'cancelled' };
    const metrics = { epochs: [1, 2], metrics: { loss: [0.5, 0.4] }, total_epochs: 2, downsampling: 'none' };
    const { client, seen } = await fake({
      'POST /v1/jobs/job_a/cancel': [200, view],
      'DELETE /v1/jobs/job_a': [204, undefined],
      'GET /v1/jobs/job_a/metrics?max_points=50': [200, metrics],
      'POST /v1/jobs/job_done/cancel': [
        409,
        { error: { code: 'JOB_ALREADY_FINISHED', message: 'already succeeded', details: { status: 'succeeded' } } },
      ],
      'DELETE /v1/jobs/job_run': [409, { error: { code: 'JOB_NOT_FINISHED', message: 'running' } }],
    });
    expect(await client.cancelJob('job_a')).toEqual(view);
    expect(await client.deleteJob('job_a')).toBeUndefined();
    expect(await client.getMetrics('job_a', { maxPoints: 50 })).toEqual(metrics);
    await expect(client.cancelJob('job_done')).rejects.toMatchObject({
      status: 409,
      code: 'JOB_ALREADY_FINISHED',
      details: { status: 'succeeded' },
    });
    await expect(client.deleteJob('job_run')).rejects.toBeInstanceOf(TrainyardError);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toContain('DELETE /v1/jobs/job_a');
  });

  it('submitJob sends the Idempotency-Key header when given one', async () => {
    const created = {
      id: 'job_a',
      status: 'queued',
      links: { self: '/v1/jobs/job_a', events: '/v1/jobs/job_a/events' },
    };
    const { client, seen } = await fake({ 'POST /v1/jobs': [201, created] });
    const spec = { model: {}, compile: {}, fit: { epochs: 1 }, dataset: { builtin: 'xor' } } as never;
    expect(await client.submitJob(spec, { idempotencyKey: 'key-12345678' })).toEqual(created);
    await client.submitJob(spec);
    expect(seen[0].headers['idempotency-key']).toBe('key-12345678');
    expect(seen[0].headers['content-type']).toBe('application/json');
    expect(seen[1].headers['idempotency-key']).toBeUndefined();
  });
});

describe('TrainyardClient: API keys and resilient streams', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));
  const listen = async () => {
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  };

  it('sends the API key as a Bearer token on REST calls and on the event stream', async () => {
    const auth: (string | undefined)[] = [];
    server = createServer((req, res) => {
      auth.push(req.headers.authorization);
      if (req.url!.endsWith('/events')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end('id: 1-0\nevent: completed\ndata: {"type":"completed","metrics":{},"seconds":1}\n\n');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'job_a', status: 'queued' }));
      }
    });
    const client = new TrainyardClient({ baseUrl: await listen(), apiKey: 'k-0123456789abcdef' });
    await client.getJob('job_a');
    for await (const e of client.events('job_a')) expect(e.event).toBe('completed');
    expect(auth).toEqual(['Bearer k-0123456789abcdef', 'Bearer k-0123456789abcdef']);
  });

  it('retries 5xx answers and silent connections, then gives up with STREAM_DISCONNECTED', async () => {
    let calls = 0;
    server = createServer((req, res) => {
      calls++;
      if (calls === 1) {
        res.writeHead(503, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', message: 'restarting' } }));
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (calls === 2)
        return res.write('id: 1-0\nevent: status\ndata: {"type":"status","status":"running","attempt":1}\n\n'); // then silence
      if (calls === 3)
        return res.end(`id: 2-0\nevent: completed\ndata: {"type":"completed","metrics":{},"seconds":1}\n\n`);
    });
    const client = new TrainyardClient({ baseUrl: await listen() });
    const got = [];
    for await (const e of client.events('job_a', { retryMs: 10, idleTimeoutMs: 200 })) got.push(`${e.id}:${e.event}`);
    expect(got).toEqual(['1-0:status', '2-0:completed']);
    expect(calls).toBe(3);

    server.removeAllListeners('request');
    server.on('request', (_req, res) => res.destroy());
    await expect(client.events('job_a', { retryMs: 1, maxRetries: 2 }).next()).rejects.toMatchObject({
      status: 0,
      code: 'STREAM_DISCONNECTED',
    });
  });

  it('stops following when its signal aborts', async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('id: 1-0\nevent: status\ndata: {"type":"status","status":"running","attempt":1}\n\n');
    });
    const client = new TrainyardClient({ baseUrl: await listen() });
    const stop = new AbortController();
    const it = client.events('job_a', { signal: stop.signal });
    expect((await it.next()).value).toMatchObject({ event: 'status' });
    setTimeout(() => stop.abort(new Error('enough')), 20);
    await expect(it.next()).rejects.toThrow('enough');
    server.closeAllConnections();
  });
});
