import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobKeyError, FsBlobStore, RedisBlobStore, type BlobStore } from './index.js';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const prefix = `{ty-store-${randomBytes(6).toString('hex')}}`;
let redis: Redis;
let dir: string;

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  dir = await mkdtemp(join(tmpdir(), 'ty-blob-'));
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

async function* stream(parts: Uint8Array[], failAfter?: number): AsyncGenerator<Uint8Array> {
  let i = 0;
  for (const p of parts) {
    if (failAfter !== undefined && i++ === failAfter) throw new Error('connection reset');
    yield p;
  }
}

const stores: [string, () => BlobStore][] = [
  ['RedisBlobStore', () => new RedisBlobStore(redis, prefix, { chunkBytes: 1000 })],
  ['FsBlobStore', () => new FsBlobStore(dir)],
];

describe.each(stores)('%s', (name, make) => {
  it('round-trips a buffer across several chunks, and reports its size', async () => {
    const store = make();
    const bytes = randomBytes(4321);
    expect(await store.put('a/one.bin', bytes)).toEqual({ bytes: 4321 });
    expect(await store.has('a/one.bin')).toBe(true);
    expect((await store.get('a/one.bin'))!.equals(bytes)).toBe(true);
  });

  it('round-trips a stream of odd-sized pieces, and an empty blob', async () => {
    const store = make();
    const parts = [randomBytes(999), randomBytes(1), randomBytes(2500), randomBytes(7)];
    expect(await store.put('a/stream.bin', stream(parts))).toEqual({ bytes: 3507 });
    expect((await store.get('a/stream.bin'))!.equals(Buffer.concat(parts))).toBe(true);
    await store.put('a/empty.bin', new Uint8Array(0));
    expect((await store.get('a/empty.bin'))!.length).toBe(0);
    expect(await store.has('a/empty.bin')).toBe(true);
  });

  it('answers null and false for a missing key', async () => {
    const store = make();
    expect(await store.get('nothing/here')).toBeNull();
    expect(await store.has('nothing/here')).toBe(false);
    expect(await store.delete('nothing/here')).toBe(0);
  });

  it('replaces a blob whole, and a failed stream leaves the old blob intact', async () => {
    const store = make();
    const first = randomBytes(3000);
    await store.put('b/x', first);
    await expect(store.put('b/x', stream([randomBytes(1500), randomBytes(1500)], 1))).rejects.toThrow(
      'connection reset',
    );
    expect((await store.get('b/x'))!.equals(first)).toBe(true);
    const second = randomBytes(1200);
    await store.put('b/x', second);
    expect((await store.get('b/x'))!.equals(second)).toBe(true);
  });

  it('readers never see a half-written blob while a put streams', async () => {
    const store = make();
    const old = Buffer.alloc(2500, 1);
    await store.put('c/live', old);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(2000, 2);
      await gate;
      yield Buffer.alloc(2000, 2);
    }
    const writing = store.put('c/live', slow());
    await new Promise((r) => setTimeout(r, 20));
    expect((await store.get('c/live'))!.equals(old)).toBe(true);
    release();
    await writing;
    expect((await store.get('c/live'))!.equals(Buffer.alloc(4000, 2))).toBe(true);
  });

  it('deletes one key, or every key under a prefix and nothing else', async () => {
    const store = make();
    await store.put('d/ds_1/x.npy', randomBytes(2100));
    await store.put('d/ds_1/y.npy', randomBytes(10));
    await store.put('d/ds_10/x.npy', randomBytes(10));
    expect(await store.delete('d/ds_1/y.npy')).toBe(1);
    expect(await store.has('d/ds_1/y.npy')).toBe(false);
    await store.put('d/ds_1/y.npy', randomBytes(10));
    expect(await store.delete('d/ds_1/')).toBe(2);
    expect(await store.get('d/ds_1/x.npy')).toBeNull();
    expect(await store.has('d/ds_10/x.npy')).toBe(true);
  });

  it('refuses keys that could escape the store or glob', async () => {
    const store = make();
    for (const key of ['../etc/passwd', '/abs', 'a/../b', 'a*', 'a?b', 'a b', '', 'a//b']) {
      await expect(store.put(key, Buffer.from('x')), key).rejects.toBeInstanceOf(BlobKeyError);
    }
    await expect(store.delete('a*/')).rejects.toBeInstanceOf(BlobKeyError);
    expect(name).toBeTruthy();
  });
});

describe('RedisBlobStore layout', () => {
  it('keeps chunks of at most chunkBytes under the prefix and removes the old version on replace', async () => {
    const store = new RedisBlobStore(redis, prefix, { chunkBytes: 1000 });
    await store.put('e/k', randomBytes(2500));
    const keys = (await redis.keys(`${prefix}:blob:e/k*`)).sort();
    expect(keys).toHaveLength(4);
    for (const k of keys.filter((k) => k.includes('#'))) expect(await redis.strlen(k)).toBeLessThanOrEqual(1000);
    await store.put('e/k', randomBytes(10));
    expect(await redis.keys(`${prefix}:blob:e/k*`)).toHaveLength(2);
    await store.delete('e/k');
    expect(await redis.keys(`${prefix}:blob:e/k*`)).toHaveLength(0);
  });
});

describe('FsBlobStore layout', () => {
  it('leaves no temp files behind', async () => {
    const store = new FsBlobStore(dir);
    await store.put('f/k', randomBytes(100));
    await store.put('f/k', stream([randomBytes(10)], 0)).catch(() => undefined);
    expect(await readdir(join(dir, '.tmp'))).toEqual([]);
  });
});
