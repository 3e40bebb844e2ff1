import createClient, { type Client } from 'openapi-fetch';
import type { JobSpec, JobStatus } from '@trainyard/contracts';
import { TrainyardError, errorFromBody } from './errors.js';
import { TERMINAL_EVENT_TYPES, followStream, type FollowOptions, type JobServerEvent } from './follow.js';
import type { paths } from './openapi.js';

export { TrainyardError };

export interface ClientOptions {
  /** Base URL of the api, e.g. http://localhost:3000. */
  baseUrl: string;
  /** An API key (TRAINYARD_API_KEYS on the server), sent as `Authorization: Bearer <key>`, SSE included. */
  apiKey?: string;
  fetch?: typeof fetch;
}

/** What openapi-fetch answers: data on a 2xx, the parsed error body otherwise. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a 2xx answer, or the answer's error as a TrainyardError with its code. */
async function ok<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw errorFromBody(response.status, response.statusText, error);
  return data as T;
}

/**
 * A typed client for the Trainyard api, built on openapi-fetch and the types generated from
 * openapi/openapi.json (src/openapi.ts). The methods cover the common calls; `api` reaches every
 * route, typed.
 *
 * @example
 * const client = new TrainyardClient({ baseUrl: 'http://localhost:3000', apiKey: process.env.TRAINYARD_API_KEY });
 * const { id } = await client.submitJob(spec);
 * for await (const e of client.events(id)) if (e.event === 'epoch') console.log(e.data.epoch, e.data.logs);
 */
export class TrainyardClient {
  /** Every route of openapi/openapi.json, typed: `client.api.GET('/v1/datasets/builtin')`. Errors come back as `{ error }`, not thrown. */
  readonly api: Client<paths>;
  readonly baseUrl: string;
  private readonly fetch: typeof fetch;
  private readonly auth: Record<string, string>;

  constructor(opts: ClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    const base = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    // No answer at all (refused, DNS, reset) is a TrainyardError too, so callers handle one error type.
    this.fetch = async (input, init) => {
      try {
        return await base(input, init);
      } catch (err) {
        if (
          (err as Error).name === 'AbortError' ||
          init?.signal?.aborted ||
          (input instanceof Request && input.signal.aborted)
        )
          throw err;
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new TrainyardError(
          0,
          'UNREACHABLE',
          `No answer from ${this.baseUrl}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
        );
      }
    };
    this.auth = opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {};
    this.api = createClient<paths>({
      baseUrl: this.baseUrl,
      fetch: (request) => this.fetch(request),
      headers: this.auth,
    });
  }

  /**
   * Submits a job: `POST /v1/jobs`. With `idempotencyKey`, retrying the same call (same key, same
   * spec, within 24 h) returns the job the first call created instead of queuing another.
   *
   * @example await client.submitJob(spec, { idempotencyKey: crypto.randomUUID() });
   */
  submitJob(spec: JobSpec, opts: { idempotencyKey?: string } = {}) {
    return ok(
      this.api.POST('/v1/jobs', {
        body: spec as never,
        params: { header: opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {} },
      }),
    );
  }

  /**
   * Lists jobs newest first: `GET /v1/jobs`. Pass the answer's `next_cursor` as `cursor` for the next page.
   *
   * @example const { items, next_cursor } = await client.listJobs({ status: ['queued', 'running'], limit: 50 });
   */
  listJobs(opts: { status?: JobStatus | JobStatus[]; limit?: number; cursor?: string } = {}) {
    const status = opts.status === undefined ? undefined : [opts.status].flat().join(',');
    return ok(this.api.GET('/v1/jobs', { params: { query: { status, limit: opts.limit, cursor: opts.cursor } } }));
  }

  /** Reads a job: `GET /v1/jobs/:id`. */
  getJob(id: string) {
    return ok(this.api.GET('/v1/jobs/{id}', { params: { path: { id } } }));
  }

  /** Cancels a job: `POST /v1/jobs/:id/cancel`; a running job answers still running and ends `cancelled` shortly. */
  cancelJob(id: string) {
    return ok(this.api.POST('/v1/jobs/{id}/cancel', { params: { path: { id } } }));
  }

  /** Deletes a finished job, its events and its list entry: `DELETE /v1/jobs/:id`. */
  async deleteJob(id: string): Promise<void> {
    await ok(this.api.DELETE('/v1/jobs/{id}', { params: { path: { id } } }));
  }

  /** A job's per-epoch metric history, downsampled by the server to at most `maxPoints` epochs: `GET /v1/jobs/:id/metrics`. */
  getMetrics(id: string, opts: { maxPoints?: number } = {}) {
    return ok(
      this.api.GET('/v1/jobs/{id}/metrics', { params: { path: { id }, query: { max_points: opts.maxPoints } } }),
    );
  }

  /** The built-in datasets with their shapes, task and options: `GET /v1/datasets/builtin`. */
  listBuiltinDatasets() {
    return ok(this.api.GET('/v1/datasets/builtin'));
  }

  /**
   * The absolute URL of a succeeded job's trained model (TF.js model.json, weights.bin next to it).
   * With API keys on, load it through `downloadModel` (or send the Authorization header yourself).
   *
   * @example const model = await tf.loadLayersModel(client.getModelUrl(id));
   */
  getModelUrl(id: string): string {
    return `${this.baseUrl}/v1/jobs/${encodeURIComponent(id)}/model/model.json`;
  }

  /** A succeeded job's trained model as TensorFlow.js stores it: model.json (text, as served) and weights.bin. */
  async downloadModel(id: string): Promise<{ modelJson: string; weights: Uint8Array }> {
    const params = { path: { id } };
    const modelJson = await ok(this.api.GET('/v1/jobs/{id}/model/model.json', { params, parseAs: 'text' }));
    const weights = await ok(this.api.GET('/v1/jobs/{id}/model/weights.bin', { params, parseAs: 'arrayBuffer' }));
    return { modelJson, weights: new Uint8Array(weights) };
  }

  /**
   * Runs a batch through a succeeded job's model: `POST /v1/jobs/:id/predict`. `x` holds one nested
   * array per sample in the model's input shape; the answer's `outputs` one per sample.
   *
   * @example const { outputs } = await client.predict(id, [[0.1, -0.4], [0.7, 0.2]]);
   */
  predict(id: string, x: unknown[]) {
    return ok(this.api.POST('/v1/jobs/{id}/predict', { params: { path: { id } }, body: { x } }));
  }

  /**
   * Follows a job's events (`GET /v1/jobs/:id/events`) until its terminal event, reconnecting with
   * Last-Event-ID when the connection drops, so every event arrives exactly once. Checking
   * `e.event` narrows `e.data`.
   *
   * @example for await (const e of client.events(id)) if (e.event === 'epoch') console.log(e.data.logs);
   */
  async *events(id: string, opts: FollowOptions & { lastEventId?: string } = {}): AsyncGenerator<JobServerEvent> {
    let last = opts.lastEventId;
    const url = `${this.baseUrl}/v1/jobs/${encodeURIComponent(id)}/events`;
    const connect = () => ({ url, headers: { ...this.auth, ...(last ? { 'last-event-id': last } : {}) } });
    for await (const e of followStream(this.fetch, connect, (e) => TERMINAL_EVENT_TYPES.includes(e.event), opts)) {
      if (e.id) last = e.id;
      yield e as JobServerEvent;
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
    opts: FollowOptions & { after?: Record<string, string> } = {},
  ): AsyncGenerator<JobServerEvent<{ job_id: string }>> {
    const last = new Map<string, string>(Object.entries(opts.after ?? {}));
    const pending = new Set(ids);
    const connect = () => {
      const query = new URLSearchParams({ jobs: [...new Set(ids)].join(',') });
      if (last.size > 0) query.set('after', [...last].map(([job, id]) => `${job}/${id}`).join(','));
      return { url: `${this.baseUrl}/v1/events?${query}`, headers: { ...this.auth } };
    };
    if (pending.size === 0) return;
    for await (const e of followStream(this.fetch, connect, () => pending.size === 0, opts)) {
      const slash = e.id.lastIndexOf('/');
      const job = slash > 0 ? e.id.slice(0, slash) : ((e.data as { job_id?: string }).job_id ?? '');
      if (slash > 0) last.set(job, e.id.slice(slash + 1));
      if (TERMINAL_EVENT_TYPES.includes(e.event)) pending.delete(job);
      yield e as JobServerEvent<{ job_id: string }>;
    }
  }
}

/** A job as `GET /v1/jobs/:id` answers it. */
export type Job = Awaited<ReturnType<TrainyardClient['getJob']>>;
/** One page of `GET /v1/jobs`. */
export type JobPage = Awaited<ReturnType<TrainyardClient['listJobs']>>;
