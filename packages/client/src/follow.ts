import { TrainyardError, errorFromBody } from './errors.js';
import type { components } from './openapi.js';
import { parseEventStream, type ServerEvent } from './sse.js';

/** An event's data as openapi/openapi.json documents it (components/schemas/JobEvent). */
export type JobEvent = components['schemas']['JobEvent'];

/** A job event as the SSE stream delivers it: `event` names the type, so checking it narrows `data`. */
export type JobServerEvent<Extra = unknown> = {
  [T in JobEvent['type']]: { id: string; event: T; data: Extract<JobEvent, { type: T }> & Extra };
}[JobEvent['type']];

/** The events after which a job's stream ends. */
export const TERMINAL_EVENT_TYPES: readonly string[] = [
  'completed',
  'failed',
  'cancelled',
] satisfies JobEvent['type'][];

export interface FollowOptions {
  /** Stops following (the job itself goes on); the iterator then throws the abort reason. */
  signal?: AbortSignal;
  /** First wait before reconnecting after a dropped connection (1000 ms); it doubles up to 8× while reconnects keep failing. */
  retryMs?: number;
  /** Reconnects in a row, without one event in between, before giving up with STREAM_DISCONNECTED (10). */
  maxRetries?: number;
  /** A connection silent this long (no event, no ": ping") counts as dropped (45 s: three heartbeats). */
  idleTimeoutMs?: number;
}

export interface Connection {
  url: string;
  headers: Record<string, string>;
}

/**
 * Reads an SSE endpoint across reconnects: `connect()` says where to connect from the position
 * reached so far (the caller updates it from each event it sees), `done(e)` when to stop. Network
 * errors, 5xx answers, idle connections and streams that end early are retried; a 4xx is thrown
 * as a TrainyardError at once.
 */
export async function* followStream(
  fetchFn: typeof fetch,
  connect: () => Connection,
  done: (e: ServerEvent) => boolean,
  opts: FollowOptions = {},
): AsyncGenerator<ServerEvent> {
  const { signal, retryMs = 1000, maxRetries = 10, idleTimeoutMs = 45_000 } = opts;
  for (let failures = 0; ;) {
    signal?.throwIfAborted();
    const { url, headers } = connect();
    const conn = new AbortController();
    const onAbort = () => conn.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let idle: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => conn.abort(new Error('idle')), idleTimeoutMs);
    };
    let reason = 'the stream ended before the terminal event';
    try {
      touch();
      let res: Response | undefined;
      try {
        res = await fetchFn(url, { headers: { accept: 'text/event-stream', ...headers }, signal: conn.signal });
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        reason = (err as Error).message;
      }
      if (res && (!res.ok || !res.body)) {
        const body = await res.text().catch(() => '');
        const error = errorFromBody(res.status, res.statusText, body);
        // 5xx: the api (or a proxy in front of it) is restarting; anything else is the caller's.
        if (res.status < 500) throw error;
        reason = error.message;
      } else if (res?.body) {
        try {
          for await (const e of parseEventStream(res.body, touch)) {
            touch();
            failures = 0;
            yield e;
            if (done(e)) return;
          }
        } catch (err) {
          if (signal?.aborted) throw signal.reason;
          reason = (err as Error).message;
        }
      }
    } finally {
      clearTimeout(idle);
      signal?.removeEventListener('abort', onAbort);
      conn.abort();
    }
    if (++failures > maxRetries)
      throw new TrainyardError(0, 'STREAM_DISCONNECTED', `Gave up after ${maxRetries} reconnects: ${reason}`, { url });
    await sleep(retryMs * 2 ** Math.min(failures - 1, 3), signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
