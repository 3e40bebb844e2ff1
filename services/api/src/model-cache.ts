import fp from 'fastify-plugin';
import { fromLayersModel, type Model } from '@trainyard/nn';
import { modelBlobKey } from '@trainyard/contracts';
import type { BlobStore } from '@trainyard/store';

interface Entry {
  promise: Promise<Model | null>;
  bytes: number;
}

/**
 * Trained models loaded for predict, least recently used evicted once there are more than
 * `maxEntries` or their weights pass `maxBytes` together. A stored model never changes (it is
 * written once, before its job succeeds), so an entry is only dropped, never refreshed; callers
 * check the job still exists before using one. Concurrent requests for one model share one load.
 */
export class ModelCache {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly blobs: BlobStore,
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  /** The job's trained model, or null when the store has none. */
  get(jobId: string): Promise<Model | null> {
    const hit = this.entries.get(jobId);
    if (hit) {
      this.entries.delete(jobId);
      this.entries.set(jobId, hit);
      return hit.promise;
    }
    const entry: Entry = { promise: this.load(jobId, () => entry), bytes: 0 };
    if (this.maxEntries > 0) this.entries.set(jobId, entry);
    return entry.promise;
  }

  /** Forgets a job's model (its job was deleted). */
  evict(jobId: string): void {
    this.entries.delete(jobId);
  }

  /** Models held now, least recently used first (for tests and /metrics). */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  private async load(jobId: string, self: () => Entry): Promise<Model | null> {
    try {
      const [json, weights] = await Promise.all([this.blobs.get(modelBlobKey(jobId, 'model.json')), this.blobs.get(modelBlobKey(jobId, 'weights.bin'))]);
      if (!json || !weights) {
        this.drop(jobId, self());
        return null;
      }
      const model = fromLayersModel(json.toString('utf8'), weights);
      const entry = self();
      entry.bytes = weights.length;
      if (this.entries.get(jobId) === entry) this.trim();
      return model;
    } catch (err) {
      this.drop(jobId, self());
      throw err;
    }
  }

  // Only the entry this load made: an evict and a newer load may have replaced it meanwhile.
  private drop(jobId: string, entry: Entry): void {
    if (this.entries.get(jobId) === entry) this.entries.delete(jobId);
  }

  // Evicts from the least recently used end; the entry just loaded goes too when it alone is too big.
  private trim(): void {
    let bytes = 0;
    for (const e of this.entries.values()) bytes += e.bytes;
    for (const [id, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && bytes <= this.maxBytes) break;
      this.entries.delete(id);
      bytes -= e.bytes;
    }
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    models: ModelCache;
  }
}

/** Decorates the app with the model cache (after `services`, whose blob store it reads). */
export const modelCache = fp(
  async (app) => {
    app.decorate('models', new ModelCache(app.blobs, app.config.modelCacheSize, app.config.modelCacheMaxBytes));
  },
  { name: 'trainyard-model-cache', dependencies: ['trainyard-services'] },
);
