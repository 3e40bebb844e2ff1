import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, modelFromJson, saveCheckpoint, type Checkpoint } from '@trainyard/nn';
import { FsBlobStore, RedisBlobStore, type BlobStore } from '@trainyard/store';
import type { JobEvent } from '@trainyard/contracts';
import { checkpointBlobKey, JobCheckpoints, loadStoredCheckpoint, storeCheckpoint } from './checkpoints.js';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const MODEL = {
  class_name: 'Sequential',
  config: {
    layers: [
      { class_name: 'Dense', config: { units: 4, activation: 'relu', batch_input_shape: [null, 2] } },
      { class_name: 'Dense', config: { units: 2, activation: 'softmax' } },
    ],
  },
};

function checkpointAt(epoch: number, seed = 3): Checkpoint {
  const m = modelFromJson(MODEL, { seed: seed + epoch });
  m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  return saveCheckpoint(m, {
    epoch,
    history: {
      epoch: [...Array(epoch).keys()],
      history: { loss: Array.from({ length: epoch }, (_, i) => 1 / (i + 1)) },
    },
    rngSeed: seed,
  });
}

describe('checkpoint storage', () => {
  let redis: Redis;
  let dir: string;
  const prefix = `{ty-ckpt-${randomBytes(4).toString('hex')}}`;
  const stores: [string, () => BlobStore][] = [
    ['redis', () => new RedisBlobStore(redis, prefix, { chunkBytes: 64 })],
    ['filesystem', () => new FsBlobStore(dir)],
  ];
  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    dir = await mkdtemp(join(tmpdir(), 'ty-ckpt-'));
  });
  afterAll(async () => {
    const found = await redis.keys(`${prefix}*`);
    if (found.length) await redis.del(...found);
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(stores)(
    'stores bin then JSON under jobs/<id>/checkpoint/ and reads back a checkpoint a model loads (%s)',
    async (_name, open) => {
      const blobs = open();
      expect(await loadStoredCheckpoint(blobs, 'job_a')).toBeNull();
      const saved = checkpointAt(2);
      const bytes = await storeCheckpoint(blobs, 'job_a', saved);
      expect(await blobs.has('jobs/job_a/checkpoint/checkpoint.json')).toBe(true);
      expect(await blobs.has('jobs/job_a/checkpoint/checkpoint.bin')).toBe(true);
      const read = await loadStoredCheckpoint(blobs, 'job_a');
      expect(read).not.toBeNull();
      expect(bytes).toBe(read!.bin.length + JSON.stringify(read!.json).length);
      expect(new Uint8Array(read!.bin)).toEqual(saved.bin);
      expect(read!.json).toMatchObject({ ...saved.json, bin_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

      const fresh = modelFromJson(MODEL, { seed: 99 });
      fresh.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
      expect(loadCheckpoint(fresh, read!)).toMatchObject({ epoch: 2, rngSeed: 3 });

      // A later epoch replaces the pair; the job's prefix removes it.
      await storeCheckpoint(blobs, 'job_a', checkpointAt(3));
      expect((await loadStoredCheckpoint(blobs, 'job_a'))!.json.epoch).toBe(3);
      expect(await blobs.delete(checkpointBlobKey('job_a'))).toBe(2);
    },
  );

  it('never pairs a JSON with the bin of another epoch: it reads again, and gives up with null', async () => {
    const blobs = stores[0][1]();
    await storeCheckpoint(blobs, 'job_b', checkpointAt(4));
    // A writer got as far as the bin of epoch 5 (the JSON of epoch 4 is still there).
    await blobs.put(checkpointBlobKey('job_b', 'checkpoint.bin'), checkpointAt(5).bin);
    expect(await loadStoredCheckpoint(blobs, 'job_b')).toBeNull();

    // A writer racing the reader: it replaces the bin between the reader's two gets, then the
    // JSON. The reader sees JSON 5 with bin 6, reads again, and gets checkpoint 6 whole.
    await storeCheckpoint(blobs, 'job_b', checkpointAt(5));
    const six = checkpointAt(6);
    let binReads = 0;
    const racing: BlobStore = {
      put: (k, d) => blobs.put(k, d),
      has: (k) => blobs.has(k),
      delete: (k) => blobs.delete(k),
      get: async (k) => {
        if (!k.endsWith('.bin') || ++binReads > 1) return blobs.get(k);
        await blobs.put(k, six.bin);
        const got = await blobs.get(k);
        await storeCheckpoint(blobs, 'job_b', six);
        return got;
      },
    };
    expect((await loadStoredCheckpoint(racing, 'job_b'))!.json.epoch).toBe(6);
    expect(binReads).toBe(2);
  });

  it('JobCheckpoints: resumes only a retried attempt, reports each stored checkpoint, and drops epochs already reported', async () => {
    const blobs = stores[0][1]();
    const events: JobEvent[] = [];
    const pub = {
      emit: async (e: JobEvent) => void events.push(e),
      reportedEpoch: async () => 3,
      assertOwner: async () => undefined,
    };
    const run = new JobCheckpoints(blobs, pub as never, 'job_c');
    expect((await run.hooks(2)).resume).toBeUndefined(); // no checkpoint yet
    await run.save(checkpointAt(2));
    expect(events).toEqual([{ type: 'checkpoint', epoch: 2, bytes: expect.any(Number) }]);
    expect((await run.hooks(1)).resume).toBeUndefined();
    const hooks = await run.hooks(2);
    expect((hooks.resume!.json as { epoch: number }).epoch).toBe(2);
    expect(hooks.onCheckpoint).toBe(run.save);

    events.length = 0;
    const logs = { loss: 1 };
    for (const epoch of [3, 4]) {
      await run.emit({ type: 'batch', epoch, batch: 1, batches: 2, logs });
      await run.emit({ type: 'epoch', epoch, epochs: 4, logs, seconds: 0, samples_per_second: 0 });
    }
    await run.emit({ type: 'resumed', from_epoch: 2 });
    expect(events.map((e) => [e.type, 'epoch' in e ? e.epoch : undefined])).toEqual([
      ['batch', 4],
      ['epoch', 4],
      ['resumed', undefined],
    ]);
  });
});
