import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { checkKey, chunksOf, type BlobInput, type BlobStore } from './blob-store.js';
import { blobKeys } from './keys.js';
import { LuaScript } from './lua-script.js';

const SWAP = new LuaScript(`
local old = redis.call('HMGET', KEYS[1], 'version', 'chunks')
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'bytes', ARGV[1], 'chunks', ARGV[2], 'version', ARGV[3])
return old`);

export interface RedisBlobStoreOptions {
  /** Bytes per Redis string (512 KiB): small enough to keep Redis responsive, big enough to be few. */
  chunkBytes?: number;
}

/**
 * Blobs in Redis, chunked: `{prefix}:blob:<key>` is a small hash (bytes, chunks, version) and
 * `{prefix}:blob:<key>#<version>:<n>` the chunks. A put writes its chunks under a fresh version,
 * then switches the meta hash to it in one script and drops the old version's chunks, so a reader
 * that follows the meta hash never sees a half-written blob.
 */
export class RedisBlobStore implements BlobStore {
  private readonly chunkBytes: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    opts: RedisBlobStoreOptions = {},
  ) {
    this.chunkBytes = opts.chunkBytes ?? 512 * 1024;
  }

  private meta(key: string): string {
    return blobKeys.meta(this.prefix, key);
  }

  private chunk(key: string, version: string, n: number): string {
    return blobKeys.chunk(this.prefix, key, version, n);
  }

  async put(key: string, data: BlobInput): Promise<{ bytes: number }> {
    checkKey(key);
    const version = randomBytes(6).toString('hex');
    let bytes = 0;
    let chunks = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (all: boolean): Promise<void> => {
      while (pendingBytes >= this.chunkBytes || (all && pendingBytes > 0)) {
        const joined = Buffer.concat(pending, pendingBytes);
        const piece = joined.subarray(0, Math.min(this.chunkBytes, joined.length));
        await this.redis.set(this.chunk(key, version, chunks++), piece);
        const rest = joined.subarray(piece.length);
        pending = rest.length ? [rest] : [];
        pendingBytes = rest.length;
      }
    };
    try {
      for await (const c of chunksOf(data)) {
        pending.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
        pendingBytes += c.byteLength;
        bytes += c.byteLength;
        if (pendingBytes >= this.chunkBytes) await flush(false);
      }
      await flush(true);
    } catch (err) {
      // A failed or aborted stream leaves nothing behind: the meta hash never pointed at these chunks.
      await this.dropChunks(key, version, chunks + 1).catch(() => undefined);
      throw err;
    }
    // One script swaps the meta hash and hands back the version it replaced, so two racing puts
    // each drop exactly the chunks they displaced and none leak.
    const old = (await SWAP.run(this.redis, [this.meta(key)], [bytes, chunks, version])) as [
      string | null,
      string | null,
    ];
    if (old[0] && old[0] !== version) await this.dropChunks(key, old[0], Number(old[1] ?? 0));
    return { bytes };
  }

  private async dropChunks(key: string, version: string, count: number): Promise<void> {
    for (let i = 0; i < count; i += 500) {
      const keys = Array.from({ length: Math.min(500, count - i) }, (_, j) => this.chunk(key, version, i + j));
      if (keys.length) await this.redis.del(...keys);
    }
  }

  async get(key: string): Promise<Buffer | null> {
    checkKey(key);
    // A put that replaces the blob while we read drops the chunks we follow; read its new version.
    for (let attempt = 0; attempt < 3; attempt++) {
      const meta = await this.redis.hgetall(this.meta(key));
      if (!meta.version) return null;
      const count = Number(meta.chunks);
      const parts: Buffer[] = [];
      let complete = true;
      for (let i = 0; i < count; i++) {
        const part = await this.redis.getBuffer(this.chunk(key, meta.version, i));
        if (!part) {
          complete = false;
          break;
        }
        parts.push(part);
      }
      if (complete) return Buffer.concat(parts, Number(meta.bytes));
    }
    return null;
  }

  async has(key: string): Promise<boolean> {
    checkKey(key);
    return (await this.redis.exists(this.meta(key))) === 1;
  }

  async delete(keyOrPrefix: string): Promise<number> {
    checkKey(keyOrPrefix, true);
    const metas: string[] = [];
    if (keyOrPrefix.endsWith('/')) {
      // Keys are checked to hold no glob characters, so the prefix can go into MATCH as is.
      let cursor = '0';
      do {
        const [next, found] = await this.redis.scan(cursor, 'MATCH', `${this.meta(keyOrPrefix)}*`, 'COUNT', 1000);
        cursor = next;
        metas.push(...found.filter((k) => !k.includes('#')));
      } while (cursor !== '0');
    } else {
      metas.push(this.meta(keyOrPrefix));
    }
    let removed = 0;
    const base = blobKeys.base(this.prefix);
    for (const meta of metas) {
      const key = meta.slice(base.length);
      const [version, chunks] = await this.redis.hmget(meta, 'version', 'chunks');
      if (!version) continue;
      removed += await this.redis.del(meta);
      await this.dropChunks(key, version, Number(chunks ?? 0));
    }
    return removed;
  }
}
