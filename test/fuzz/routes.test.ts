// Property-based fuzz of every operation in the api's OpenAPI document (so a new route is fuzzed
// as soon as it is documented), through app.inject() against real Redis, with API keys on. Every answer: no 5xx,
// every 4xx in the coded envelope; afterwards the api is healthy, a normal job still trains to
// `succeeded`, and every job that was accepted is listed, readable, has its events and ends.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { parseApiKeys } from '../../services/api/src/config.js';
import { validJob } from '../../services/api/src/test-utils/app.js';
import { TEST_KEYS, WRONG_KEYS } from '../../services/api/src/test-utils/keys.js';
import { startStack, type Stack } from '../stack.js';
import { FUZZ_SEED, FUZZ_TIME_MS, runParameters } from './fuzz-config.js';
import { awaitTerminal, expectHealthy, indexedJobs, isTerminal, lostJobs, violation } from './oracle.js';
import {
  idKind,
  operationsOf,
  pathWith,
  queryString,
  requestArb,
  type FuzzRequest,
  type IdKind,
  type Operation,
} from './requests.js';
import { junk, toJsonText } from './schema-arb.js';
import { report } from './report.js';

/** The api runs with API keys, as in production; the fuzzer presents this one, another, none or a malformed header. */
const KEY = TEST_KEYS.fuzz;
const AUTH = { authorization: `Bearer ${KEY}` };

/** A request the api has not answered in this long is a hang, which is a finding too. */
const ANSWER_WITHIN_MS = 15_000;

describe('fuzz: every route of the OpenAPI document', () => {
  let stack: Stack;
  const pools: Record<IdKind, string[]> = { job: [], dataset: [], sweep: [], other: [] };
  /** Jobs that answered 201 (or 200, replayed) and were not deleted since. */
  const accepted = new Set<string>();
  const sweeps = new Set<string>();
  let cases = 0;
  /** Answers by status class, per operation, for the log. */
  const statuses = new Map<string, Map<string, number>>();
  let operations: Operation[] = [];

  beforeAll(async () => {
    // No per-tenant guards, so fuzzed requests reach the handlers rather than a 429; a URL dataset
    // gives up fast (the fuzzer's hosts do not exist).
    stack = await startStack({
      workers: 1,
      api: {
        apiKeys: parseApiKeys(`fuzz:${KEY}`),
        maxActiveJobs: 0,
        rateLimitPerMinute: 0,
        datasetFetchTimeoutMs: 1000,
      },
    });
    // One succeeded job and one stored dataset, so the model, predict and dataset routes are reached with real ids.
    const job = await stack.app.inject({ method: 'POST', url: '/v1/jobs', headers: AUTH, payload: validJob() });
    expect(job.statusCode, job.body).toBe(201);
    const jobId = job.json().id as string;
    accepted.add(jobId);
    pools.job.push(jobId);
    expect([...(await awaitTerminal(stack.app, [jobId], 60_000, AUTH))]).toEqual([]);
    const trained = (await stack.app.inject({ method: 'GET', url: `/v1/jobs/${jobId}`, headers: AUTH })).json();
    expect(trained.status, JSON.stringify(trained.error)).toBe('succeeded');
    const ds = await stack.app.inject({
      method: 'POST',
      url: '/v1/datasets',
      headers: AUTH,
      payload: {
        name: 'xor',
        x: [
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 1],
        ],
        y: [0, 1, 1, 0],
      },
    });
    expect(ds.statusCode, ds.body).toBe(201);
    pools.dataset.push(ds.json().id);
    // The fuzzer's jobs are not trained: the worker stops until the end, where it must take a fresh job.
    await Promise.all(stack.workers.splice(0).map((w) => w.close(5000)));
    operations = operationsOf(stack.app.swagger());
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  async function send(
    op: Operation,
    req: FuzzRequest,
  ): Promise<{ url: string; res: { statusCode: number; headers: Record<string, unknown>; body: string } }> {
    // The first id of each pool is the test's own (succeeded job, stored dataset): deleting it would starve the other routes.
    const pool = op.method === 'DELETE' ? pools[idKind(op.path)].slice(1) : pools[idKind(op.path)];
    const query = queryString(req.query, req.querySuffix);
    const token = req.auth === 'query' ? `access_token=${KEY}` : '';
    const url = pathWith(op, req.path, pool) + (token ? (query ? `${query}&${token}` : `?${token}`) : query);
    const presented: Record<string, string> = {
      key: AUTH,
      none: {},
      query: {},
      wrong: { authorization: `Bearer ${WRONG_KEYS[0]}` },
      malformed: { authorization: `Basic ${KEY}` },
    }[req.auth];
    const headers: Record<string, string> = {
      ...req.headers,
      ...presented,
      ...(req.body?.type && { 'content-type': req.body.type }),
    };
    const abort = new AbortController();
    const inject = stack.app.inject({
      method: op.method as 'GET',
      url,
      headers,
      ...(req.body && { payload: req.body.payload }),
      ...(op.sse && { payloadAsStream: true, signal: abort.signal }),
    }) as Promise<LightMyRequestResponse>;
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${op.method} ${url.slice(0, 300)}: no answer within ${ANSWER_WITHIN_MS} ms`)),
        ANSWER_WITHIN_MS,
      );
    });
    try {
      const res = await Promise.race([inject, hang]);
      cases++;
      if (!op.sse) return { url, res: { statusCode: res.statusCode, headers: res.headers, body: res.body } };
      const stream = res.stream();
      stream.on('error', () => undefined);
      if (res.statusCode === 200) {
        abort.abort(); // an open event stream: its head is the answer
        return { url, res: { statusCode: 200, headers: res.headers, body: '' } };
      }
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      return {
        url,
        res: { statusCode: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') },
      };
    } finally {
      clearTimeout(timer);
    }
  }

  function tally(route: string, status: number): void {
    const byStatus = statuses.get(route) ?? new Map<string, number>();
    byStatus.set(String(status), (byStatus.get(String(status)) ?? 0) + 1);
    statuses.set(route, byStatus);
  }

  /** Remembers what a successful answer created or removed, so later requests use real ids. */
  function bookkeep(op: Operation, url: string, status: number, body: string): void {
    const route = `${op.method} ${op.path}`;
    if (route === 'POST /v1/jobs' && (status === 201 || status === 200)) {
      const id = JSON.parse(body).id as string;
      accepted.add(id);
      pools.job.push(id);
    } else if (route === 'POST /v1/datasets' && status === 201) {
      pools.dataset.push(JSON.parse(body).id);
    } else if (route === 'POST /v1/sweeps' && status === 201) {
      const created = JSON.parse(body) as { id: string; trials: { job_id: string }[] };
      sweeps.add(created.id);
      pools.sweep.push(created.id);
      for (const t of created.trials) accepted.add(t.job_id);
    } else if (route === 'DELETE /v1/jobs/{id}' && status === 204) {
      accepted.delete(decodeURIComponent(url.split('/')[3].split('?')[0]));
    }
  }

  it(
    'answers every fuzzed request without a 5xx, every 4xx coded',
    async () => {
      expect(operations.length).toBeGreaterThan(20);
      // Operations with a body have more to explore: they get three shares of the time.
      const weight = (op: Operation) => (op.body ? 3 : 1);
      const total = operations.reduce((n, op) => n + weight(op), 0) + 1;
      const failures: string[] = [];
      const perOperation: string[] = [];
      for (const [i, op] of operations.entries()) {
        const before = cases;
        const details = await fc.check(
          fc.asyncProperty(requestArb(op), async (req) => {
            const { url, res } = await send(op, req);
            tally(`${op.method} ${op.path}`, res.statusCode);
            const broken = violation(res);
            if (broken) throw new Error(`${op.method} ${url.slice(0, 300)} ${broken}`);
            if (res.statusCode < 300) bookkeep(op, url, res.statusCode, res.body);
          }),
          runParameters((FUZZ_TIME_MS * weight(op)) / total, i),
        );
        perOperation.push(
          `${op.method} ${op.path}: ${cases - before} (${[...(statuses.get(`${op.method} ${op.path}`) ?? [])].map(([c, n]) => `${c} ${n}`).join(', ')})`,
        );
        if (details.failed) failures.push(report(`${op.method} ${op.path}`, details));
      }
      // Paths and methods no operation has: the not-found answer is coded too.
      const before = cases;
      const stray = await fc.check(
        fc.asyncProperty(
          fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
          fc.constantFrom(
            '/',
            '/v1',
            '/v1/',
            '/v1/jobs/',
            '/v1/jobs//events',
            '/v2/jobs',
            '/v1/datasets/builtin/x',
            '/admin',
            '/docs/../v1/jobs',
            '/%',
            '/v1/%E0%A4%A',
          ),
          fc.option(junk),
          async (method, path, body) => {
            const op: Operation = { method, path, pathParams: [], query: null, headers: [], body: null, sse: false };
            const payload = body === null ? null : { type: 'application/json', payload: toJsonText(body) };
            const { url, res } = await send(op, {
              auth: 'key',
              path: [],
              query: null,
              querySuffix: null,
              headers: {},
              body: payload,
            });
            const broken = violation(res);
            if (broken) throw new Error(`${method} ${url} ${broken}`);
          },
        ),
        runParameters(FUZZ_TIME_MS / total, operations.length),
      );
      perOperation.push(`unrouted paths: ${cases - before}`);
      if (stray.failed) failures.push(report('unrouted paths', stray));
      console.log(
        `fuzz: ${cases} cases over ${operations.length} routes (seed ${FUZZ_SEED})\n  ${perOperation.join('\n  ')}`,
      );
      expect(failures, failures.join('\n\n')).toEqual([]);
    },
    FUZZ_TIME_MS + 60_000,
  );

  it('is healthy afterwards, trains a normal job, and lost no accepted job', async () => {
    await expectHealthy(stack.app);
    expect(await lostJobs(stack.app, stack.app.redis, stack.prefix, accepted, AUTH)).toEqual([]);
    // The fuzzer's jobs are cancelled rather than trained (their specs are random); each must end.
    for (const id of sweeps) await stack.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/cancel`, headers: AUTH });
    for (const [id, status] of await indexedJobs(stack.app, AUTH)) {
      if (!isTerminal(status)) {
        const res = await stack.app.inject({ method: 'POST', url: `/v1/jobs/${id}/cancel`, headers: AUTH });
        expect([200, 202, 409], res.body).toContain(res.statusCode);
      }
    }
    stack.addWorker();
    const job = await stack.app.inject({ method: 'POST', url: '/v1/jobs', headers: AUTH, payload: validJob() });
    expect(job.statusCode, job.body).toBe(201);
    const id = job.json().id as string;
    expect([...(await awaitTerminal(stack.app, [...accepted, id], 90_000, AUTH))]).toEqual([]);
    expect((await stack.app.inject({ method: 'GET', url: `/v1/jobs/${id}`, headers: AUTH })).json().status).toBe(
      'succeeded',
    );
    await expectHealthy(stack.app);
  }, 180_000);
});
