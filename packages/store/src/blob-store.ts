import { BlobKeyError } from './errors.js';

/** Bytes to store: a buffer, or a stream of chunks (an upload) consumed once. */
export type BlobInput = Uint8Array | AsyncIterable<Uint8Array>;

/**
 * A small key → bytes store for datasets, checkpoints and artifacts. Keys are paths such as
 * `datasets/ds_abc/x.npy`; `delete` takes a key or a prefix ending in `/`. A reader sees either
 * the old blob or the new one, never a half-written one.
 */
export interface BlobStore {
  /** Stores the bytes under `key`, replacing any blob there; resolves once readers can see it. */
  put(key: string, data: BlobInput): Promise<{ bytes: number }>;
  /** The whole blob, or null when there is none. */
  get(key: string): Promise<Buffer | null>;
  has(key: string): Promise<boolean>;
  /** Removes one blob, or every blob under a prefix ending in `/`; returns how many were removed. */
  delete(keyOrPrefix: string): Promise<number>;
}

const KEY = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Checks a key (or a prefix ending in `/`); both stores share one alphabet so they are interchangeable. */
export function checkKey(key: string, allowPrefix = false): string {
  const body = allowPrefix && key.endsWith('/') ? key.slice(0, -1) : key;
  if (!KEY.test(body) || body.split('/').some((p) => p === '.' || p === '..') || key.length > 512)
    throw new BlobKeyError(key);
  return key;
}

/** Yields the input as chunks, whether it is one buffer or a stream. */
export async function* chunksOf(data: BlobInput): AsyncGenerator<Uint8Array> {
  if (data instanceof Uint8Array) yield data;
  else for await (const c of data) yield c;
}
