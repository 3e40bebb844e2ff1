import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainyardClient } from '../packages/client/src/index.js';
import { DEFAULT_TENANT, type JobSpec } from '../packages/contracts/src/index.js';
import { endJob } from '../packages/store/src/index.js';
import { spiralsJob } from './fixtures.js';
import { startStack, type Stack } from './stack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('a worker that lost its job to another attempt', () => {
  let stack: Stack;
  let client: TrainyardClient;
  beforeAll(async () => {
    stack = await startStack({ workers: 1 });
    client = new TrainyardClient({ baseUrl: stack.url });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('is fenced off: once the record names another owner, its thread writes nothing more and ends without a terminal event', async () => {
    const { id } = await client.submitJob(spiralsJob({ epochs: 500, samples: 2000 }) as unknown as JobSpec);
    const record = `${stack.prefix}:job:${id}`;
    const stream = `${stack.prefix}:events:${id}`;
    const redis = stack.app.redis;
    const types = async () => (await redis.xrange(stream, '-', '+')).map(([, f]) => f[1]);
    await until('a checkpoint', async () => (await types()).includes('checkpoint'));
    const token = await redis.hget(record, 'owner');
    expect(token).toMatch(/^[0-9a-f-]{36}$/);

    // What a second worker's START does once the first one's lock expired.
    await redis.hset(record, 'owner', 'attempt-2-token');
    const connections = async () =>
      ((await redis.client('LIST')) as string)
        .split('\n')
        .filter((l) => l.includes(`name=trainyard-job-${id}`) || l.includes(`name=trainyard-ckpt-${id}`));
    // The thread's next write is refused; it stops and closes its connections.
    await until('the fenced thread to close its connections', async () => (await connections()).length === 0);
    const written = await redis.xlen(stream);
    await sleep(1000);
    expect(await redis.xlen(stream)).toBe(written);
    const after = await types();
    expect(after.filter((t) => ['completed', 'failed', 'cancelled'].includes(t))).toEqual([]);
    expect(await redis.hmget(record, 'status', 'owner')).toEqual(['running', 'attempt-2-token']);
    // No retry noise: BullMQ neither failed nor completed the job (its new owner will).
    const queued = await stack.app.queue.getJob(id);
    expect(await queued?.getState()).toBe('active');
    expect(queued?.attemptsMade).toBe(0);
    expect(queued?.failedReason).toBeUndefined();

    // Ending the job is fenced too: the stale token is refused, the owner's and the api's (no token) are not.
    const cancelled = { type: 'cancelled', reason: 'test' } as const;
    expect(await endJob(redis, { prefix: stack.prefix, tenant: DEFAULT_TENANT, id }, cancelled, token!)).toBe(2);
    expect(
      await endJob(redis, { prefix: stack.prefix, tenant: DEFAULT_TENANT, id }, cancelled, 'attempt-2-token'),
    ).toBe(1);
    expect(await endJob(redis, { prefix: stack.prefix, tenant: DEFAULT_TENANT, id }, cancelled)).toBe(0);
    expect((await types()).filter((t) => t === 'cancelled')).toHaveLength(1);
  });
});
