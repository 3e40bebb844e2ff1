import fp from 'fastify-plugin';
import { forwardFlops, inspectModel, layersModelConfig } from '@trainyard/nn';
import { modelBlobKey } from '@trainyard/contracts';
import type { BlobStore } from '@trainyard/store';
import { PredictPool } from './predict/pool.js';
import { ModelLoadError, ModelRunner, type PredictOutput, type PredictTask } from './predict/runner.js';

/** What predict needs to know of a model before running it: read from model.json alone. */
export interface ModelMeta {
  inputs: { name: string; shape: number[] }[];
  outputs: { name: string; shape: number[] }[];
  /** Forward FLOPs of one sample (forwardFlops of @trainyard/nn). */
  flopsPerSample: number;
}

/** Where predictions run: the thread pool, or this thread (TRAINYARD_PREDICT_THREADS=0). */
interface Executor {
  run(task: PredictTask, flops: number): Promise<PredictOutput>;
  evict(jobId: string): void;
  keys(): string[];
  activity(): { running: number; waiting: number };
  close(): Promise<void>;
}

// Descriptions are a few hundred bytes each: enough of them that a busy api rarely rereads one.
const META_ENTRIES = 1024;

/**
 * The api's side of predict: each model's shapes and forward cost, read from its model.json (no
 * weights) and remembered, and the executor that loads and runs models, off the event loop
 * unless configured otherwise. A stored model never changes, so nothing here is ever refreshed;
 * callers check the job still exists before using a model.
 */
export class ModelCache {
  private readonly meta = new Map<string, Promise<ModelMeta | null>>();

  constructor(
    private readonly blobs: BlobStore,
    private readonly executor: Executor,
  ) {}

  /** The model's shapes and cost, or null when the store has none; throws MODEL_INVALID for a broken model.json. */
  describe(jobId: string): Promise<ModelMeta | null> {
    const hit = this.meta.get(jobId);
    if (hit) return hit;
    const p = this.readMeta(jobId);
    this.meta.set(jobId, p);
    // Only successes are remembered: a missing model may be stored yet; a broken one costs a reread.
    const forget = () => this.meta.get(jobId) === p && this.meta.delete(jobId);
    p.then((m) => m ?? forget(), forget);
    if (this.meta.size > META_ENTRIES) this.meta.delete(this.meta.keys().next().value!);
    return p;
  }

  /** Runs `task` (checked against the model's input shape by the caller) at an estimated cost of `flops`. */
  predict(task: PredictTask, flops: number): Promise<PredictOutput> {
    return this.executor.run(task, flops);
  }

  /** Forgets a job's model (its job was deleted). */
  evict(jobId: string): void {
    this.meta.delete(jobId);
    this.executor.evict(jobId);
  }

  /** Models loaded now, least recently used first (for tests). */
  keys(): string[] {
    return this.executor.keys();
  }

  /** Predictions running and waiting for a thread now. */
  activity(): { running: number; waiting: number } {
    return this.executor.activity();
  }

  close(): Promise<void> {
    return this.executor.close();
  }

  private async readMeta(jobId: string): Promise<ModelMeta | null> {
    const json = await this.blobs.get(modelBlobKey(jobId, 'model.json'));
    if (!json) return null;
    try {
      const config = layersModelConfig(json.toString('utf8'));
      const info = inspectModel(config);
      return { inputs: info.inputs, outputs: info.outputs, flopsPerSample: forwardFlops(config).perSample };
    } catch (err) {
      throw new ModelLoadError(`Job ${jobId}'s stored model cannot be loaded: ${(err as Error).message}`, {
        id: jobId,
      });
    }
  }
}

/** Runs predictions on the event loop: no pool, no time limit (the behaviour before the pool; benches compare). */
class InlineExecutor implements Executor {
  constructor(private readonly runner: ModelRunner) {}
  run(task: PredictTask): Promise<PredictOutput> {
    return this.runner.predict(task);
  }
  evict(jobId: string): void {
    this.runner.evict(jobId);
  }
  keys(): string[] {
    return this.runner.keys();
  }
  // A prediction here blocks the event loop, so nobody can look while one runs.
  activity(): { running: number; waiting: number } {
    return { running: 0, waiting: 0 };
  }
  async close(): Promise<void> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    models: ModelCache;
  }
}

/** Decorates the app with the model cache and its predict threads (after `services`, whose blob store it reads). */
export const modelCache = fp(
  async (app) => {
    const c = app.config;
    const threads = c.predictThreads;
    // The cache budget is the whole api's: each thread holds its share.
    const share = (n: number) => Math.floor(n / Math.max(1, threads));
    const executor: Executor =
      threads === 0
        ? new InlineExecutor(
            new ModelRunner(
              async (jobId) => {
                const [json, weights] = await Promise.all([
                  app.blobs.get(modelBlobKey(jobId, 'model.json')),
                  app.blobs.get(modelBlobKey(jobId, 'weights.bin')),
                ]);
                return json && weights ? { json, weights } : null;
              },
              c.modelCacheSize,
              c.modelCacheMaxBytes,
            ),
          )
        : new PredictPool({
            threads,
            queueLimit: c.predictQueueLimit,
            timeoutMs: c.predictTimeoutMs,
            retireKernelBytes: c.predictKernelMb * 2 ** 20,
            threadData: {
              redisUrl: c.redisUrl,
              prefix: c.prefix,
              cacheEntries: share(c.modelCacheSize),
              cacheBytes: share(c.modelCacheMaxBytes),
            },
          });
    const cache = new ModelCache(app.blobs, executor);
    app.decorate('models', cache);
    app.addHook('onClose', () => cache.close());
  },
  { name: 'trainyard-model-cache', dependencies: ['trainyard-services'] },
);
