import { parseEventStream, type ServerEvent } from '../packages/client/src/index.js';

export type SseEvent = ServerEvent;

export interface ReadOptions {
  lastEventId?: string;
  /** Stop (and disconnect) after this many events. */
  limit?: number;
  /** Give up after this long. */
  timeoutMs?: number;
  /** Called for every comment line (heartbeats). */
  onComment?: (text: string) => void;
}

export interface ReadResult {
  events: SseEvent[];
  /** True when the server closed the stream (rather than us stopping early). */
  ended: boolean;
  status: number;
  headers: Headers;
}

/** Reads an SSE stream with fetch; stops at the server's end, at `limit` events, or on timeout. */
export async function readSse(url: string, opts: ReadOptions = {}): Promise<ReadResult> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error(`SSE read timed out: ${url}`)), opts.timeoutMs ?? 60_000);
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (opts.lastEventId) headers['last-event-id'] = opts.lastEventId;
  try {
    const res = await fetch(url, { headers, signal: ac.signal });
    const events: SseEvent[] = [];
    if (!res.ok || !res.body) return { events, ended: true, status: res.status, headers: res.headers };
    let ended = true;
    for await (const e of parseEventStream(res.body, opts.onComment)) {
      events.push(e);
      if (opts.limit !== undefined && events.length >= opts.limit) {
        ended = false;
        break;
      }
    }
    return { events, ended, status: res.status, headers: res.headers };
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
}

/** Orders Redis Stream ids ("ms-seq") numerically. */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am !== bm ? am - bm : as - bs;
}

/** True when ids strictly increase. */
export function strictlyIncreasing(ids: string[]): boolean {
  return ids.every((id, i) => i === 0 || compareStreamIds(ids[i - 1], id) < 0);
}
