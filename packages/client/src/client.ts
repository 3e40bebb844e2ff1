import type { JobCreated, JobEvent, JobList, JobMetrics, JobSpec, JobStatus, JobView, PredictResponse } from '@trainyard/contracts';
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

  private async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const res = await this.fetch(`${this.base}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 204) return undefined as T;
    const payload = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string; details?: Record<string, unknown> } };
    if (!res.ok) {
      const e = payload.error ?? { code: 'HTTP_ERROR', message: res.statusText };
      throw new TrainyardError(res.status, e.code, e.message, e.details);
    }
    return payload as T;
  }

  /**
   * Submits a job: `POST /v1/jobs`. With `idempotencyKey`, retrying the same call (same key, same
   * spec, within 24 h) returns the job the first call created instead of queuing another.
   *
   * @example await client.submitJob(spec, { idempotencyKey: crypto.randomUUID() });
   */
  submitJob(spec: JobSpec, opts: { idempotencyKey?: string } = {}): Promise<JobCreated> {
    return this.call('POST', '/v1/jobs', spec, opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {});
  }

  /**
   * Lists jobs newest first: `GET /v1/jobs`. Pass the answer's `next_cursor` as `cursor` for the next page.
   *
   * @example const { items, next_cursor } = await client.listJobs({ status: ['queued', 'running'], limit: 50 });
   */
  listJobs(opts: { status?: JobStatus | JobStatus[]; limit?: number; cursor?: string } = {}): Promise<JobList> {
    const q = new URLSearchParams();
    if (opts.status !== undefined) q.set('status', [opts.status].flat().join(','));
    if (opts.limit !== undefined) q.set('limit', String(opts.limit));
    if (opts.cursor !== undefined) q.set('cursor', opts.cursor);
    const qs = q.toString();
    return this.call('GET', `/v1/jobs${qs ? `?${qs}` : ''}`);
  }

  /** Cancels a job: `POST /v1/jobs/:id/cancel`; a running job answers still running and ends `cancelled` shortly. */
  cancelJob(id: string): Promise<JobView> {
    return this.call('POST', `/v1/jobs/${encodeURIComponent(id)}/cancel`);
  }

  /** Deletes a finished job, its events and its list entry: `DELETE /v1/jobs/:id`. */
  async deleteJob(id: string): Promise<void> {
    await this.call('DELETE', `/v1/jobs/${encodeURIComponent(id)}`);
  }

  /** A job's per-epoch metric history, downsampled by the server to at most `maxPoints` epochs: `GET /v1/jobs/:id/metrics`. */
  getMetrics(id: string, opts: { maxPoints?: number } = {}): Promise<JobMetrics> {
    const qs = opts.maxPoints === undefined ? '' : `?max_points=${opts.maxPoints}`;
    return this.call('GET', `/v1/jobs/${encodeURIComponent(id)}/metrics${qs}`);
  }

  /**
   * The absolute URL of a succeeded job's trained model (TF.js model.json, weights.bin next to it).
   *
   * @example const model = await tf.loadLayersModel(client.getModelUrl(id));
   */
  getModelUrl(id: string): string {
    return `${this.base}/v1/jobs/${encodeURIComponent(id)}/model/model.json`;
  }

  /**
   * Runs a batch through a succeeded job's model: `POST /v1/jobs/:id/predict`. `x` holds one nested
   * array per sample in the model's input shape; the answer's `outputs` one per sample.
   *
   * @example const { outputs } = await client.predict(id, [[0.1, -0.4], [0.7, 0.2]]);
   */
  predict(id: string, x: unknown[]): Promise<PredictResponse> {
    return this.call('POST', `/v1/jobs/${encodeURIComponent(id)}/predict`, { x });
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

  /**
   * Follows several jobs' events on one connection (`GET /v1/events?jobs=`, at most 50 jobs) until
   * every job has sent its terminal event. Each event's data carries `job_id`; on a dropped
   * connection it reconnects with `?after=` holding the newest id seen per job, so every event
   * arrives exactly once. `after` (job id → stream id) resumes from a known position.
   *
   * @example for await (const e of client.eventsForJobs([a, b])) console.log(e.data.job_id, e.event);
   */
  async *eventsForJobs(
    ids: string[],
    opts: { after?: Record<string, string>; signal?: AbortSignal; retryMs?: number } = {},
  ): AsyncGenerator<ServerEvent<JobEvent & { job_id: string }>> {
    const last = new Map<string, string>(Object.entries(opts.after ?? {}));
    const pending = new Set(ids);
    for (let attempt = 0; pending.size > 0; attempt++) {
      opts.signal?.throwIfAborted();
      const query = new URLSearchParams({ jobs: [...new Set(ids)].join(',') });
      if (last.size > 0) query.set('after', [...last].map(([job, id]) => `${job}/${id}`).join(','));
      let res: Response;
      try {
        res = await this.fetch(`${this.base}/v1/events?${query}`, { headers: { accept: 'text/event-stream' }, signal: opts.signal });
      } catch (err) {
        if (opts.signal?.aborted || attempt >= 10) throw err;
        await sleep(opts.retryMs ?? 1000);
        continue;
      }
      if (!res.ok || !res.body) {
        const payload = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string; details?: Record<string, unknown> } };
        throw new TrainyardError(res.status, payload.error?.code ?? 'HTTP_ERROR', payload.error?.message ?? res.statusText, payload.error?.details);
      }
      try {
        for await (const e of parseEventStream(res.body)) {
          const slash = e.id.lastIndexOf('/');
          const job = slash > 0 ? e.id.slice(0, slash) : ((e.data as { job_id?: string }).job_id ?? '');
          if (slash > 0) last.set(job, e.id.slice(slash + 1));
          attempt = 0;
          yield e as ServerEvent<JobEvent & { job_id: string }>;
          if (TERMINAL.has(e.event)) pending.delete(job);
          if (pending.size === 0) return;
        }
      } catch (err) {
        if (opts.signal?.aborted) throw err;
      }
      // The stream ended before every job finished: the server went away. Resume where we were.
      await sleep(opts.retryMs ?? 1000);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
