import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetBlobKey, modelBlobKey, type JobSpec } from '@trainyard/contracts';
import { encodeNpy } from '@trainyard/data';
import { RedisBlobStore, keys } from '@trainyard/store';
import { checkpointBlobKey } from './checkpoints.js';
import { ThreadSupply } from './job-thread.js';
import { MEMORY_SLOTS_BYTES, ThreadCommand, type FromThread, type ToThread } from './thread-protocol.js';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const prefix = `{ty-thread-${randomBytes(4).toString('hex')}}`;
const jobId = 'job_conns';
const datasetId = 'ds_conns0001';

const spec: JobSpec = {
  model: {
    class_name: 'Sequential',
    config: {
      layers: [
        { class_name: 'Dense', config: { units: 8, activation: 'relu', batch_input_shape: [null, 2] } },
        { class_name: 'Dense', config: { units: 3, activation: 'softmax' } },
      ],
    },
  },
  compile: { optimizer: 'adam', loss: 'sparse_categorical_crossentropy' },
  fit: { epochs: 2, batch_size: 8 },
  dataset: { id: datasetId },
  seed: 1,
};

/** The address (ip:port) of every client connected to Redis now. */
async function clientAddrs(redis: Redis): Promise<Set<string>> {
  const list = (await redis.client('LIST')) as string;
  return new Set([...list.matchAll(/\baddr=(\S+)/g)].map((m) => m[1] ?? ''));
}

describe('a training thread', () => {
  let redis: Redis;
  let blobs: RedisBlobStore;
  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    blobs = new RedisBlobStore(redis, prefix);
    const x = Float32Array.from({ length: 60 }, (_, i) => Math.sin(i));
    const y = Float32Array.from({ length: 30 }, (_, i) => i % 3);
    await blobs.put(datasetBlobKey(datasetId, 'x.npy'), encodeNpy(x, [30, 2]));
    await blobs.put(datasetBlobKey(datasetId, 'y.npy'), encodeNpy(y, [30]));
    await blobs.put(datasetBlobKey(datasetId, 'meta.json'), Buffer.from(JSON.stringify({ name: 'up', classes: 3 })));
    await redis.hset(keys.job(prefix, jobId), 'status', 'queued');
  });
  afterAll(async () => {
    const found = await redis.keys(`${prefix}*`);
    if (found.length) await redis.del(...found);
    redis.disconnect();
  });

  it('opens at most two Redis connections for a whole job: record, events, uploaded dataset, checkpoints and model', async () => {
    // Every connection that touches this test's keys during the job and was not there before it
    // is the thread's. MONITOR sees each command, so a connection opened for one short step (a
    // dataset load, the model's write) is counted too, not only those alive at some sampling.
    const before = await clientAddrs(redis);
    const monitor = await redis.duplicate().monitor();
    const opened = new Set<string>();
    const marker = `${prefix}:done`;
    let markerSeen!: () => void;
    const allSeen = new Promise<void>((resolve) => (markerSeen = resolve));
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      // Commands a script runs are reported from "lua"; the EVAL itself names its connection.
      if (source === 'lua' || !args.some((a) => a.includes(prefix))) return;
      if (args.includes(marker)) markerSeen();
      else if (!before.has(source)) opened.add(source);
    });

    const supply = new ThreadSupply(
      { redisUrl: REDIS_URL, prefix, fashionMnistDir: '/nonexistent', workerName: 'test', threads: 1, memoryMb: 512 },
      512,
    );
    const thread = supply.take();
    try {
      const run = {
        job: { jobId, spec },
        attempt: 1,
        owner: 'token-1',
        memory: new SharedArrayBuffer(MEMORY_SLOTS_BYTES),
      };
      thread.postMessage({ cmd: ThreadCommand.Start, run } satisfies ToThread);
      let ending: FromThread;
      do [ending] = (await once(thread, 'message')) as [FromThread];
      while (ending.cmd === ThreadCommand.Started);
      expect(ending).toMatchObject({ cmd: ThreadCommand.Completed, result: { status: 'succeeded' } });
    } finally {
      await supply.close();
      await thread.terminate();
    }
    // Every step ran: it read the uploaded dataset, stored checkpoints and the model.
    expect(await blobs.has(checkpointBlobKey(jobId, 'checkpoint.json'))).toBe(true);
    expect(await blobs.has(modelBlobKey(jobId, 'model.json'))).toBe(true);

    // MONITOR reports commands in the order Redis ran them: once it reports ours, it has reported the thread's.
    await redis.echo(marker);
    await allSeen;
    monitor.disconnect();
    expect(opened.size).toBeGreaterThanOrEqual(1);
    expect(opened.size, `connections the thread opened: ${[...opened].join(', ')}`).toBeLessThanOrEqual(2);
  });
});
