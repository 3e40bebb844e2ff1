/** One server-sent event as a test sees it. */
export interface SseEvent {
  id: string;
  event: string;
  data: unknown;
}

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

/** Reads an SSE stream with fetch, parsing fields the way EventSource does. */
export async function readSse(url: string, opts: ReadOptions = {}): Promise<ReadResult> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error(`SSE read timed out: ${url}`)), opts.timeoutMs ?? 60_000);
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (opts.lastEventId) headers['last-event-id'] = opts.lastEventId;
  const res = await fetch(url, { headers, signal: ac.signal });
  const events: SseEvent[] = [];
  if (!res.ok || !res.body) {
    clearTimeout(timer);
    return { events, ended: true, status: res.status, headers: res.headers };
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  let ended = false;
  let current: { id?: string; event?: string; data: string[] } = { data: [] };
  try {
    outer: for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      buf += value;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        if (line === '') {
          if (current.data.length > 0) {
            events.push({ id: current.id ?? '', event: current.event ?? 'message', data: JSON.parse(current.data.join('\n')) });
            if (opts.limit !== undefined && events.length >= opts.limit) break outer;
          }
          current = { data: [] };
        } else if (line.startsWith(':')) {
          opts.onComment?.(line.slice(1).trim());
        } else {
          const i = line.indexOf(':');
          const field = i < 0 ? line : line.slice(0, i);
          const val = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
          if (field === 'id') current.id = val;
          else if (field === 'event') current.event = val;
          else if (field === 'data') current.data.push(val);
        }
      }
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return { events, ended, status: res.status, headers: res.headers };
}

/** Orders Redis Stream ids ("ms-seq") numerically. */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am !== bm ? am - bm : as - bs;
}

/** True when ids strictly increase. */
export function strictlyIncreasing(ids: string[]): boolean {
  return ids.every((id, i) => i === 0 || compareStreamIds(ids[i - 1]!, id) < 0);
}
