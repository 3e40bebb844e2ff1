import type { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';

/** One entry of a job's event stream: the SSE id is the Redis Stream entry id. */
export interface StreamEntry {
  id: string;
  type: string;
  data: string;
}

interface Subscriber {
  lastId: string;
  deliver: (entry: StreamEntry) => void;
  /** While catching up from history, live entries wait here so none is lost or reordered. */
  buffer: StreamEntry[] | null;
}

interface Tail {
  cursor: string;
  subs: Set<Subscriber>;
}

/** Orders Redis Stream ids ("ms-seq"). */
export function compareIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const ms = Number(am) - Number(bm);
  return ms !== 0 ? Math.sign(ms) : Math.sign(Number(as) - Number(bs));
}

function toEntries(raw: [string, string[]][]): StreamEntry[] {
  return raw.map(([id, fields]) => {
    const f: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
    return { id, type: f.type ?? 'message', data: f.data ?? '{}' };
  });
}

type XReadReply = [string, [string, string[]][]][];

const BLOCK_MS = 1000;

/** A Prometheus-style histogram of seconds: cumulative bucket counts, sum and count. */
export class LagHistogram {
  static readonly BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
  readonly buckets = new Array<number>(LagHistogram.BOUNDS.length).fill(0);
  sum = 0;
  count = 0;

  observe(seconds: number): void {
    const v = Math.max(0, seconds); // clocks of Redis and the api may differ by a little
    LagHistogram.BOUNDS.forEach((b, i) => {
      if (v <= b) this.buckets[i]++;
    });
    this.sum += v;
    this.count++;
  }
}
const READ_COUNT = 500;

/**
 * Fans every job's Redis Stream out to this process's SSE clients through ONE blocking
 * connection: a client never costs a Redis connection of its own. Each subscriber replays
 * history after its Last-Event-ID, then receives live entries, with no gap and no duplicate.
 */
export class EventHub {
  private readonly tails = new Map<string, Tail>();
  private running = false;
  private reading = false;
  private blockingId: number | null = null;
  private loopDone: Promise<void> | null = null;
  private idle: (() => void) | null = null;
  /** Events handed to subscribers since start (for metrics). */
  delivered = 0;
  /** How long live events took from their XADD to this hub (for metrics). */
  readonly lag = new LagHistogram();

  constructor(
    private readonly cmd: Redis,
    private readonly blocking: Redis,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Starts the reader loop. */
  async start(): Promise<void> {
    this.blockingId = Number(await this.blocking.client('ID'));
    // A reconnect (Redis restarted, network blip) gives the connection a new id; until the loop
    // has asked for it, unblock() must not use the old one, which may now name another client.
    this.blocking.on('close', () => (this.blockingId = null));
    this.running = true;
    this.loopDone = this.loop();
  }

  /** Stops the loop; pending subscribers receive nothing more. */
  async close(): Promise<void> {
    this.running = false;
    this.idle?.();
    await this.unblock();
    await this.loopDone;
  }

  /** Number of live subscribers (for metrics and tests). */
  get subscribers(): number {
    let n = 0;
    for (const t of this.tails.values()) n += t.subs.size;
    return n;
  }

  /**
   * Subscribes to a stream from just after `lastId` ("0-0" for everything). Returns the
   * unsubscribe function once history has been delivered.
   */
  async subscribe(key: string, lastId: string, deliver: (e: StreamEntry) => void): Promise<() => void> {
    const sub: Subscriber = { lastId, deliver, buffer: [] };
    let tail = this.tails.get(key);
    if (!tail) {
      tail = { cursor: lastId, subs: new Set() };
      this.tails.set(key, tail);
      // Only a new stream changes what the blocking read must watch.
      void this.wake();
    }
    tail.subs.add(sub);
    const unsubscribe = () => {
      const t = this.tails.get(key);
      if (!t) return;
      t.subs.delete(sub);
      if (t.subs.size === 0) this.tails.delete(key);
    };
    try {
      let from = lastId;
      for (;;) {
        const page = toEntries(
          (await this.cmd.xrange(key, `(${from}`, '+', 'COUNT', READ_COUNT)) as [string, string[]][],
        );
        for (const e of page) this.push(sub, e);
        if (page.length < READ_COUNT) break;
        from = page[page.length - 1].id;
      }
    } catch (err) {
      unsubscribe();
      throw err;
    }
    const waiting = sub.buffer ?? [];
    sub.buffer = null;
    for (const e of waiting) this.push(sub, e);
    return unsubscribe;
  }

  private push(sub: Subscriber, e: StreamEntry): void {
    if (compareIds(e.id, sub.lastId) <= 0) return;
    sub.lastId = e.id;
    this.delivered++;
    sub.deliver(e);
  }

  private dispatch(tail: Tail, entries: StreamEntry[]): void {
    for (const sub of tail.subs) {
      if (sub.buffer) sub.buffer.push(...entries);
      else for (const e of entries) this.push(sub, e);
    }
  }

  private async wake(): Promise<void> {
    if (this.idle) {
      const resume = this.idle;
      this.idle = null;
      resume();
      return;
    }
    await this.unblock();
  }

  // A new stream must join the blocking XREAD now, not when it times out: interrupt it.
  private async unblock(): Promise<void> {
    if (this.blockingId === null) return;
    for (let i = 0; i < 20 && this.reading; i++) {
      const done = Number(await this.cmd.client('UNBLOCK', this.blockingId).catch(() => 0));
      if (done === 1) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private async loop(): Promise<void> {
    while (this.running) {
      if (this.tails.size === 0) {
        await new Promise<void>((resolve) => (this.idle = resolve));
        continue;
      }
      const keys = [...this.tails.keys()];
      const ids = keys.map((k) => this.tails.get(k)!.cursor);
      let res: XReadReply | null = null;
      try {
        if (this.blockingId === null) this.blockingId = Number(await this.blocking.client('ID'));
        this.reading = true;
        res = (await this.blocking.xread(
          'COUNT',
          READ_COUNT,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          ...keys,
          ...ids,
        )) as XReadReply | null;
      } catch (err) {
        if (!this.running) break;
        this.log.warn({ err }, 'event hub read failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
      } finally {
        this.reading = false;
      }
      for (const [key, raw] of res ?? []) {
        const tail = this.tails.get(key);
        if (!tail || raw.length === 0) continue;
        const entries = toEntries(raw);
        tail.cursor = entries[entries.length - 1].id;
        // A stream id starts with Redis's clock in ms at the XADD: the lag is now minus that.
        const now = Date.now();
        for (const e of entries) this.lag.observe((now - Number(e.id.slice(0, e.id.indexOf('-')))) / 1000);
        this.dispatch(tail, entries);
      }
    }
  }
}
