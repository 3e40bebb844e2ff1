// Property-based fuzz of POST /v1/jobs over the Keras config space (keras-arb.ts): every answer
// is a 201 or a coded 4xx, never a 5xx. Of the accepted jobs, the first few small ones are trained
// by a worker and the rest cancelled while queued (a random accepted spec may be costly to train),
// then: the api is healthy, a normal job trains to `succeeded`, and every accepted job is listed,
// readable, has its events and ends in a terminal state.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validJob } from '../../services/api/src/test-utils/app.js';
import { startStack, type Stack } from '../stack.js';
import { FUZZ_SEED, FUZZ_TIME_MS, runParameters } from './fuzz-config.js';
import { kerasCase } from './keras-arb.js';
import { awaitTerminal, expectHealthy, lostJobs, violation } from './oracle.js';
import { report } from './report.js';
import { toJsonText } from './schema-arb.js';

/** Accepted small jobs a worker trains at the end; every other accepted job is cancelled while queued. */
const TRAINED_CAP = 5;

describe('fuzz: the Keras config space through POST /v1/jobs', () => {
  let stack: Stack;
  const accepted: string[] = [];
  const trained: string[] = [];
  const codes = new Map<string, number>();
  let cases = 0;

  beforeAll(async () => {
    // No worker until the end: nothing trains while the fuzzer submits, so a cancel finds its job queued.
    stack = await startStack({ workers: 0, api: { maxActiveJobs: 0, rateLimitPerMinute: 0 } });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it(
    'answers every generated model config with a 201 or a coded 4xx',
    async () => {
      const details = await fc.check(
        fc.asyncProperty(kerasCase, async ({ spec, small }) => {
          const res = await stack.app.inject({
            method: 'POST',
            url: '/v1/jobs',
            headers: { 'content-type': 'application/json' },
            payload: toJsonText(spec),
          });
          cases++;
          const broken = violation(res);
          if (broken) throw new Error(`POST /v1/jobs ${broken}`);
          const code =
            res.statusCode === 201
              ? `201${small ? ' small' : ''}`
              : (res.json() as { error: { code: string } }).error.code;
          codes.set(code, (codes.get(code) ?? 0) + 1);
          if (res.statusCode !== 201) return;
          const id = res.json().id as string;
          accepted.push(id);
          if (small && trained.length < TRAINED_CAP) {
            trained.push(id);
            return;
          }
          const cancel = await stack.app.inject({ method: 'POST', url: `/v1/jobs/${id}/cancel` });
          cases++;
          const cancelBroken = violation(cancel);
          if (cancelBroken) throw new Error(`POST /v1/jobs/${id}/cancel ${cancelBroken}`);
          if (cancel.statusCode !== 200 || cancel.json().status !== 'cancelled')
            throw new Error(`cancelling queued ${id} answered ${cancel.statusCode} ${cancel.body}`);
        }),
        runParameters(FUZZ_TIME_MS, 1000),
      );
      const byCode = [...codes].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`);
      console.log(`fuzz: ${cases} cases over 2 routes (Keras configs, seed ${FUZZ_SEED}): ${byCode.join(', ')}`);
      expect(details.failed ? report('POST /v1/jobs (Keras)', details) : null).toBeNull();
      // A generator that never reaches acceptance or never reaches the engine's own checks fuzzes nothing.
      expect(accepted.length).toBeGreaterThan(0);
      expect([...codes.keys()].filter((c) => c.startsWith('SPEC_')).length).toBeGreaterThan(2);
    },
    FUZZ_TIME_MS + 60_000,
  );

  it('is healthy afterwards, trains the accepted small jobs and a normal one, and lost none', async () => {
    await expectHealthy(stack.app);
    expect(await lostJobs(stack.app, stack.app.redis, stack.prefix, accepted)).toEqual([]);
    stack.addWorker();
    const job = await stack.app.inject({ method: 'POST', url: '/v1/jobs', payload: validJob() });
    expect(job.statusCode, job.body).toBe(201);
    const id = job.json().id as string;
    expect([...(await awaitTerminal(stack.app, [...accepted, id], 120_000))]).toEqual([]);
    const normal = (await stack.app.inject({ method: 'GET', url: `/v1/jobs/${id}` })).json();
    expect(normal.status, JSON.stringify(normal.error)).toBe('succeeded');
    const outcomes = await Promise.all(
      trained.map(async (t) => (await stack.app.inject({ method: 'GET', url: `/v1/jobs/${t}` })).json()),
    );
    console.log(
      `fuzz: trained ${trained.length} accepted small jobs: ${outcomes.map((o) => `${o.status}${o.error ? ` ${o.error.code}` : ''} in ${o.started_at ? Date.parse(o.finished_at) - Date.parse(o.started_at) : '?'} ms`).join(', ')}`,
    );
    // The api builds every model against its dataset before queuing: a spec the engine then refuses is a hole in that check.
    const refusedLate = outcomes.filter((o) => o.status === 'failed' && /^SPEC_/.test(o.error?.code ?? ''));
    expect(
      refusedLate.map((o) => ({ error: o.error, spec: o.spec })),
      'accepted, then refused by the engine',
    ).toEqual([]);
    await expectHealthy(stack.app);
  }, 180_000);
});
