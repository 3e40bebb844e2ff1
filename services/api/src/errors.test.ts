import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { ConnectionClosedError } from 'bullmq';
import { CodedError } from '@trainyard/contracts';
import { NnError } from '@trainyard/nn';
import { BlobKeyError } from '@trainyard/store';
import { ApiError, registerErrorHandling } from './errors.js';
import { toFailure } from './predict/runner.js';
import { isRedisUnavailable } from './redis-outage.js';
import { REDIS_URL } from './test-utils/app.js';

/** An app whose one route throws `err`, answered by the api's error handler. */
async function answer(
  err: unknown,
): Promise<{ status: number; error: { code: string; message: string; details: object } }> {
  const app: FastifyInstance = Fastify({ logger: false });
  registerErrorHandling(app);
  app.get('/', () => {
    throw err;
  });
  const res = await app.inject({ method: 'GET', url: '/' });
  await app.close();
  return { status: res.statusCode, error: res.json<{ error: never }>().error };
}

/** What a command rejects with, from a real ioredis client. */
async function rejection(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => expect.unreachable('the command succeeded'),
    (err: unknown) => err,
  );
}

describe('the error handler', () => {
  it('answers any package coded error with its catalogue status, code and details', async () => {
    const nn = new NnError('SPEC_UNKNOWN_LAYER', 'Unknown layer class "Lambda"', { path: '/model/layers/1' });
    expect(await answer(nn)).toEqual({
      status: 400,
      error: {
        code: 'SPEC_UNKNOWN_LAYER',
        message: 'Unknown layer class "Lambda"',
        details: { path: '/model/layers/1' },
      },
    });
    const api = await answer(new ApiError('JOB_NOT_FOUND', 'No job job_x', { id: 'job_x' }));
    expect(api).toEqual({
      status: 404,
      error: { code: 'JOB_NOT_FOUND', message: 'No job job_x', details: { id: 'job_x' } },
    });
  });

  it('shows a coded 503 as written, and hides every other 5xx behind INTERNAL', async () => {
    const busy = await answer(new ApiError('SERVICE_UNAVAILABLE', 'The api is shutting down'));
    expect([busy.status, busy.error.code, busy.error.message]).toEqual([
      503,
      'SERVICE_UNAVAILABLE',
      'The api is shutting down',
    ]);
    for (const err of [new BlobKeyError('../x'), new ApiError('INTERNAL', 'secret detail'), new Error('secret')]) {
      const res = await answer(err);
      expect([res.status, res.error.code, res.error.message]).toEqual([500, 'INTERNAL', 'Internal error']);
    }
  });

  it('a duck-typed code is not a coded error: only the classes are', async () => {
    const duck = Object.assign(new Error('looks coded'), { code: 'SPEC_UNKNOWN_LAYER', details: {} });
    expect((await answer(duck)).status).toBe(500);
  });

  it('keeps a coded error thrown in a predict thread, with its status, across postMessage', async () => {
    const sent = structuredClone(
      toFailure(new NnError('SPEC_INVALID_WEIGHTS', 'weights.bin is truncated', { path: '/w' })),
    );
    const rebuilt = CodedError.fromJSON(sent);
    expect(rebuilt).toBeInstanceOf(CodedError);
    expect(rebuilt.toJSON()).toEqual({
      code: 'SPEC_INVALID_WEIGHTS',
      message: 'weights.bin is truncated',
      details: { path: '/w' },
      status: 400,
      userFault: true,
      retryable: false,
    });
    expect((await answer(rebuilt)).status).toBe(400);
    // Anything uncoded is internal on both sides of the thread, its message hidden from the caller.
    const internal = CodedError.fromJSON(structuredClone(toFailure(new TypeError('x is undefined'))));
    expect([internal.code, internal.status]).toEqual(['INTERNAL', 500]);
    expect((await answer(internal)).error.message).toBe('Internal error');
  });
});

describe('Redis out of reach', () => {
  const opts = { maxRetriesPerRequest: 2, retryStrategy: (n: number) => Math.min(n * 100, 500), lazyConnect: true };
  let live: Redis;
  let dead: Redis;
  beforeAll(() => {
    live = new Redis(REDIS_URL, opts);
    // Nothing listens on port 1: every connect is refused.
    dead = new Redis('redis://127.0.0.1:1', opts);
    dead.on('error', () => undefined);
  });
  afterAll(() => {
    live.disconnect();
    dead.disconnect();
  });

  it("is told by ioredis's own errors: retries used up, a refused connect, a closed connection", async () => {
    const usedUp = await rejection(() => dead.get('k'));
    expect((usedUp as Error).name).toBe('MaxRetriesPerRequestError');
    // The refused connect as ioredis reports it (and BullMQ rejects a command waiting for the connection with it).
    const once = new Redis('redis://127.0.0.1:1', { ...opts, retryStrategy: () => null });
    const reported = new Promise<unknown>((resolve) => once.once('error', resolve));
    const ended = await rejection(() => once.connect());
    const refused = await reported;
    expect((refused as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    await live.ping();
    live.disconnect();
    const closed = await rejection(() => live.get('k'));
    for (const err of [usedUp, refused, ended, closed, new ConnectionClosedError()])
      expect(isRedisUnavailable(err), String(err)).toBe(true);
  });

  it('answers 503 SERVICE_UNAVAILABLE, in the api and from a predict thread', async () => {
    const usedUp = await rejection(() => dead.get('k'));
    const res = await answer(usedUp);
    expect([res.status, res.error.code, res.error.message]).toEqual([
      503,
      'SERVICE_UNAVAILABLE',
      'Redis is unreachable',
    ]);
    expect(res.error.details).toHaveProperty('request_id');
    const fromThread = CodedError.fromJSON(structuredClone(toFailure(usedUp)));
    expect([fromThread.code, (await answer(fromThread)).status]).toEqual(['SERVICE_UNAVAILABLE', 503]);
  });

  it('is not read from a message: other errors that mention Redis stay 500', async () => {
    expect(isRedisUnavailable('Connection is closed.')).toBe(false);
    for (const err of [new Error('connect ECONNREFUSED 127.0.0.1:6379'), new Error('MaxRetriesPerRequest')]) {
      expect(isRedisUnavailable(err)).toBe(false);
      expect((await answer(err)).status).toBe(500);
    }
  });
});
