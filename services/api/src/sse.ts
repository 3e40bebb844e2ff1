import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';
import { compareIds, type StreamEntry } from './event-hub.js';

const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/**
 * A client this far behind (bytes written but not yet taken by its socket) is disconnected rather
 * than buffered for without bound; it reconnects with Last-Event-ID and misses nothing.
 */
export const SSE_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** One Redis event stream an SSE response carries. */
export interface StreamSource {
  /** Names the source in a multiplexed response. */
  id: string;
  /**
   * Set on a multiplexed response: each message's id is `<id>/<stream-id>` and its data gains
   * `[field]: id`. Unset, the id is the bare stream id and the data is sent as stored.
   */
  field?: 'job_id' | 'sweep_id';
  key: string;
  /** Replay after this stream id ('0-0': from the start). */
  after: string;
  /** Whether the source has ended, so a client that already had its last event is not kept waiting. */
  ended: () => Promise<boolean>;
  /** The event after which the source sends nothing more. */
  terminal: (e: StreamEntry) => boolean;
}

/** Sends SSE responses over sources; every response it opens ends when the server closes. */
export type EventStreamer = (request: FastifyRequest, reply: FastifyReply, sources: StreamSource[]) => Promise<void>;

/** The resume point of a single stream: its Last-Event-ID (a stream id), or '0-0' without one. */
export function parseLastEventId(raw: string | undefined): string {
  const lastId = raw ?? '0-0';
  if (!STREAM_ID.test(lastId)) {
    throw new ApiError(
      'INVALID_LAST_EVENT_ID',
      `Last-Event-ID must be a stream id like 1732700000000-0, got "${lastId}"`,
      {
        path: 'last-event-id',
      },
    );
  }
  return lastId;
}

/** Parses a resume cursor `job_a/1732700000000-0,job_b/1732700000001-3` into source id → stream id (ids must be among `ids`). */
export function parseResume(raw: string, ids: readonly string[]): Map<string, string> {
  const after = new Map<string, string>();
  for (const part of raw.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const slash = item.lastIndexOf('/');
    const id = item.slice(0, slash);
    const streamId = item.slice(slash + 1);
    if (slash < 0 || !STREAM_ID.test(streamId) || !ids.includes(id)) {
      throw new ApiError(
        'INVALID_LAST_EVENT_ID',
        `Resume position must be <job_id>/<stream-id> pairs for jobs in this stream, e.g. job_a/1732700000000-0; got "${item}"`,
        { path: 'after', value: item },
      );
    }
    const prev = after.get(id);
    if (!prev || compareIds(streamId, prev) > 0) after.set(id, streamId);
  }
  return after;
}

/** Frames one message; `data` is JSON on one line, so no field splitting is needed. */
export function sseMessage(source: Pick<StreamSource, 'id' | 'field'>, e: StreamEntry): string {
  if (!source.field) return `id: ${e.id}\nevent: ${e.type}\ndata: ${e.data}\n\n`;
  // Events are JSON objects on one line, and ids are plain tokens: the tag is spliced in before the
  // closing brace rather than parsed and re-serialised for every client (that was the multiplexed
  // stream's largest cost). A later duplicate key wins in JSON.parse, so the tag is always right.
  const tag = `"${source.field}":${JSON.stringify(source.id)}}`;
  const data =
    e.data.startsWith('{') && e.data.endsWith('}')
      ? `${e.data.slice(0, -1)}${e.data.length > 2 ? ',' : ''}${tag}`
      : `{${tag}`;
  return `id: ${source.id}/${e.id}\nevent: ${e.type}\ndata: ${data}\n\n`;
}

/**
 * One SSE response over several sources: each is replayed after its resume point, then live,
 * through the process's one hub; it ends once every source has sent its last event, the client
 * goes away, the client falls too far behind, or the server closes.
 */
class EventStream {
  private closed = false;
  private readonly unsubscribes: (() => void)[] = [];
  private readonly pending: Set<string>;
  private readonly lastSent = new Map<string, string>();
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly app: FastifyInstance,
    private readonly request: FastifyRequest,
    private readonly res: ServerResponse,
    private readonly sources: StreamSource[],
    private readonly onEnd: () => void,
  ) {
    this.pending = new Set(sources.map((s) => s.id));
  }

  readonly finish = (): void => {
    if (this.closed) return;
    this.closed = true;
    this.onEnd();
    clearInterval(this.heartbeat);
    for (const u of this.unsubscribes) u();
    this.res.end();
  };

  /** Sends headers and the retry hint, starts the heartbeat, then the sources; never throws. */
  async run(): Promise<void> {
    this.res.writeHead(200, SSE_HEADERS);
    this.res.write('retry: 2000\n\n');
    // A client still taking earlier bytes needs no ping to know the connection lives.
    this.heartbeat = setInterval(() => {
      if (!this.res.writableNeedDrain) this.res.write(': ping\n\n');
    }, this.app.config.sseHeartbeatMs);
    this.request.raw.on('close', this.finish);
    try {
      for (const source of this.sources) {
        if (this.closed) break;
        await this.subscribe(source);
      }
      await this.endFinishedSources();
    } catch (err) {
      this.request.log.error({ err, sources: this.sources.map((s) => s.id) }, 'event stream failed');
      this.finish();
    }
  }

  private send(text: string): void {
    if (this.res.write(text) || this.res.writableLength <= SSE_MAX_BUFFERED_BYTES) return;
    this.request.log.warn({ buffered: this.res.writableLength }, 'event stream client too slow; disconnected');
    this.finish();
  }

  private done(id: string): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.finish();
  }

  private async subscribe(source: StreamSource): Promise<void> {
    this.lastSent.set(source.id, source.after);
    const deliver = (e: StreamEntry) => {
      if (this.closed || !this.pending.has(source.id)) return;
      this.lastSent.set(source.id, e.id);
      this.send(sseMessage(source, e));
      if (source.terminal(e)) this.done(source.id);
    };
    // Subscribing replays the source after its resume point before going live, so nothing falls between.
    const unsubscribe = await this.app.hub.subscribe(source.key, source.after, deliver);
    if (this.closed) unsubscribe();
    else this.unsubscribes.push(unsubscribe);
  }

  /** A finished source whose last event this client already had: nothing more will come from it. */
  private async endFinishedSources(): Promise<void> {
    for (const source of this.sources) {
      if (this.closed || !this.pending.has(source.id) || !(await source.ended())) continue;
      const [newest] = await this.app.redis.xrevrange(source.key, '+', '-', 'COUNT', 1);
      const last = this.lastSent.get(source.id) ?? '0-0';
      if (this.pending.has(source.id) && (!newest || compareIds(newest[0], last) <= 0)) this.done(source.id);
    }
  }
}

/**
 * The SSE writer of a route plugin: headers, heartbeats, framing, backpressure, and the end of each
 * response at its sources' terminal events, at the client's disconnect and at the server's close
 * (clients then reconnect, to any instance, with Last-Event-ID). The reply is hijacked.
 */
export function eventStreamer(app: FastifyInstance): EventStreamer {
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const finish of [...open]) finish();
  });
  return async (request, reply, sources) => {
    reply.hijack();
    const stream: EventStream = new EventStream(app, request, reply.raw, sources, () => open.delete(stream.finish));
    open.add(stream.finish);
    await stream.run();
  };
}
