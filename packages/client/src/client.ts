import type { JobCreated, JobEvent, JobSpec, JobView } from '@trainyard/contracts';
import { parseEventStream, type ServerEvent } from './sse.js';

/** An error answer from the api, with its catalogue code. */
export class TrainyardError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(`${code}: ${message}`);
    this.name = 'TrainyardError';
  }
}

export interface ClientOptions {
  /** Base URL of the api, e.g. http://localhost:3000. */
  baseUrl: string;
  fetch?: typeof fetch;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** A small typed client for the Trainyard api. */
export class TrainyardClient {
  private readonly base: string;
  private readonly fetch: typeof fetch;

  constructor(opts: ClientOptions) {
    this.base = opts.baseUrl.replace(/\/$/, '');
    this.fetch = opts.fetch ?? globalThis.fetch;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetch(`${this.base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string; details?: Record<string, unknown> } };
    if (!res.ok) {
      const e = payload.error ?? { code: 'HTTP_ERROR', message: res.statusText };
      throw new TrainyardError(res.status, e.code, e.message, e.details);
    }
    return payload as T;
  }

  /** Submits a job: `POST /v1/jobs`. */
  submitJob(spec: JobSpec): Promise<JobCreated> {
    return this.call('POST', '/v1/jobs', spec);
  }

  /** Reads a job: `GET /v1/jobs/:id`. */
  getJob(id: string): Promise<JobView> {
    return this.call('GET', `/v1/jobs/${encodeURIComponent(id)}`);
  }

  /**
   * Follows a job's events until its terminal event, reconnecting with Last-Event-ID when the
   * connection drops, so every event arrives exactly once.
   *
   * @example for await (const e of client.events(id)) if (e.event === 'epoch') console.log(e.data.logs);
   */
  async *events(id: string, opts: { lastEventId?: string; signal?: AbortSignal; retryMs?: number } = {}): AsyncGenerator<ServerEvent<JobEvent>> {
    let lastId = opts.lastEventId;
    for (let attempt = 0; ; attempt++) {
      opts.signal?.throwIfAborted();
      let res: Response;
      try {
        res = await this.fetch(`${this.base}/v1/jobs/${encodeURIComponent(id)}/events`, {
          headers: { accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) },
          signal: opts.signal,
        });
      } catch (err) {
        if (opts.signal?.aborted || attempt >= 10) throw err;
        await sleep(opts.retryMs ?? 1000);
        continue;
      }
      if (!res.ok || !res.body) {
        const payload = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
        throw new TrainyardError(res.status, payload.error?.code ?? 'HTTP_ERROR', payload.error?.message ?? res.statusText);
      }
      try {
        for await (const e of parseEventStream(res.body)) {
          lastId = e.id || lastId;
          attempt = 0;
          yield e as ServerEvent<JobEvent>;
          if (TERMINAL.has(e.event)) return;
        }
      } catch (err) {
        if (opts.signal?.aborted) throw err;
      }
      // The stream ended without a terminal event: the server went away. Resume where we were.
      await sleep(opts.retryMs ?? 1000);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
