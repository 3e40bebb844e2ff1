import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelFromJson, saveCheckpoint } from '@trainyard/nn';
import { DEFAULT_TENANT } from '@trainyard/contracts';
import { RedisBlobStore, keys } from '@trainyard/store';
import { JobCheckpoints, loadStoredCheckpoint } from './checkpoints.js';
import { FencedError } from './errors.js';
import { JobPublisher } from './publisher.js';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

describe('JobPublisher fencing', () => {
  let redis: Redis;
  const prefix = `{ty-pub-${randomBytes(4).toString('hex')}}`;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    const found = await redis.keys(`${prefix}*`);
    if (found.length) await redis.del(...found);
    redis.disconnect();
  });

  it('started() makes the attempt the owner and keeps the first start; a later attempt fences off every write of the earlier one', async () => {
    const record = keys.job(prefix, 'job_f');
    const firstStart = '2026-11-27T10:00:00.000Z';
    await redis.hset(record, 'status', 'queued', 'started_at', firstStart);
    const a = new JobPublisher(redis, prefix, DEFAULT_TENANT, 'job_f', 'token-a');
    const b = new JobPublisher(redis, prefix, DEFAULT_TENANT, 'job_f', 'token-b');
    const ckptA = new JobCheckpoints(new RedisBlobStore(redis, prefix), a, 'job_f');
    const m = modelFromJson(
      {
        class_name: 'Sequential',
        config: { layers: [{ class_name: 'Dense', config: { units: 2, batch_input_shape: [null, 2] } }] },
      },
      { seed: 1 },
    );
    const checkpoint = saveCheckpoint(m, { epoch: 1, history: { epoch: [0], history: {} } });
    expect(await a.started(1, 'w-a')).toEqual({ outcome: 'started', startedAt: Date.parse(firstStart) });
    expect(await redis.hget(record, 'owner')).toBe('token-a');
    await a.emit({ type: 'log', level: 'info', message: 'a owns it' });
    await ckptA.save(checkpoint);

    expect((await b.started(2, 'w-b')).outcome).toBe('started');
    const written = await redis.xlen(keys.events(prefix, 'job_f'));
    await expect(a.emit({ type: 'log', level: 'info', message: 'stale' })).rejects.toBeInstanceOf(FencedError);
    await expect(
      ckptA.save(saveCheckpoint(m, { epoch: 2, history: { epoch: [0, 1], history: {} } })),
    ).rejects.toBeInstanceOf(FencedError);
    await expect(a.finish({ type: 'cancelled' })).rejects.toBeInstanceOf(FencedError);
    expect(await redis.xlen(keys.events(prefix, 'job_f'))).toBe(written);
    expect((await loadStoredCheckpoint(new RedisBlobStore(redis, prefix), 'job_f'))!.json.epoch).toBe(1);
    expect(await redis.hget(record, 'status')).toBe('running');

    await b.emit({ type: 'log', level: 'info', message: 'b owns it' });
    expect(await b.finish({ type: 'cancelled' })).toBe(true);
  });

  it('a command replayed after a Redis restart (same attempt, same event number) writes nothing twice', async () => {
    // A second publisher with the attempt's token and a fresh count stands for ioredis resending
    // the commands whose replies the restart swallowed: they reach Redis a second time.
    const record = keys.job(prefix, 'job_r');
    const stream = keys.events(prefix, 'job_r');
    await redis.hset(record, 'status', 'queued');
    const first = new JobPublisher(redis, prefix, DEFAULT_TENANT, 'job_r', 'token-r');
    const replay = new JobPublisher(redis, prefix, DEFAULT_TENANT, 'job_r', 'token-r');
    const epoch = (n: number) =>
      ({ type: 'epoch', epoch: n, epochs: 2, logs: { loss: 1 / n }, seconds: 1, samples_per_second: 100 }) as const;
    const started = await first.started(1, 'w');
    expect(await replay.started(1, 'w')).toEqual(started);
    await first.emit(epoch(1));
    await replay.emit(epoch(1));
    await first.emit(epoch(2));
    const events = (await redis.xrange(stream, '-', '+')).map(([, f]) => JSON.parse(f[3]));
    expect(events.map((e) => e.epoch ?? e.status)).toEqual(['running', 1, 2]);
    expect(await redis.hget(record, 'epoch')).toBe('2');
  });
});
