import { fromLayersModel, type Model } from '@trainyard/nn';
import { tensor } from '@trainyard/tensor';
import { CodedError, type CodedErrorJSON } from '@trainyard/contracts';
import { ApiError } from '../errors.js';
import { isRedisUnavailable } from '../redis-outage.js';

/** A stored model's two files, or null when the store has none. */
export type ModelLoader = (jobId: string) => Promise<{ json: Buffer; weights: Buffer } | null>;

/** One prediction: `samples` rows of the model's input shape, packed row-major. */
export interface PredictTask {
  jobId: string;
  x: Float32Array;
  samples: number;
  inputShape: number[];
}

export interface PredictOutput {
  /** The outputs as the JSON of nested arrays (one per sample), serialised here rather than on the event loop. */
  outputs: string;
}

/** Thrown when a stored model cannot be loaded: the model is broken, not the request. */
export class ModelLoadError extends ApiError {
  constructor(message: string, details: Record<string, unknown>) {
    super('MODEL_INVALID', message, details);
  }
}

interface Entry {
  model: Model;
  bytes: number;
}

/**
 * Trained models loaded for predict in one thread, least recently used evicted once there are
 * more than `maxEntries` or their weights pass `maxBytes` together. A model bigger than the
 * budget is still loaded for its request, then dropped. A stored model never changes (it is
 * written once, before its job succeeds), so an entry is only dropped, never refreshed.
 */
export class ModelRunner {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly load: ModelLoader,
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  /** Runs the forward pass (`started` is called before it, once the model is loaded); throws ModelLoadError for a missing or unreadable model. */
  async predict(task: PredictTask, started?: () => void): Promise<PredictOutput> {
    const model = await this.model(task.jobId);
    started?.();
    const y = model.predict(tensor(task.x, [task.samples, ...task.inputShape]), { batchSize: 256 });
    return { outputs: JSON.stringify(nest(y.data as Float32Array, y.shape)) };
  }

  /** Forgets a job's model (its job was deleted). */
  evict(jobId: string): void {
    this.entries.delete(jobId);
  }

  /** Models held now, least recently used first. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  private async model(jobId: string): Promise<Model> {
    const hit = this.entries.get(jobId);
    if (hit) {
      this.entries.delete(jobId);
      this.entries.set(jobId, hit);
      return hit.model;
    }
    const files = await this.load(jobId);
    if (!files)
      throw new ModelLoadError(`Job ${jobId}'s stored model is incomplete (model.json or weights.bin is missing)`, {
        id: jobId,
      });
    let model: Model;
    try {
      model = fromLayersModel(files.json.toString('utf8'), files.weights);
    } catch (err) {
      throw new ModelLoadError(`Job ${jobId}'s stored model cannot be loaded: ${(err as Error).message}`, {
        id: jobId,
      });
    }
    if (this.maxEntries > 0) {
      this.entries.set(jobId, { model, bytes: files.weights.length });
      this.trim();
    }
    return model;
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

/** Row-major float32 values as nested arrays of the given shape. */
export function nest(data: Float32Array, shape: readonly number[]): unknown[] {
  let k = 0;
  const build = (depth: number): unknown[] => {
    const n = shape[depth];
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = depth === shape.length - 1 ? data[k++] : build(depth + 1);
    return out;
  };
  return shape.length === 0 ? [] : build(0);
}

/**
 * An error as it crosses to the api's thread (CodedError.fromJSON there): a coded error keeps
 * its fields, Redis out of reach is the 503 the api answers for it, anything else is internal.
 */
export function toFailure(err: unknown): CodedErrorJSON {
  if (err instanceof CodedError) return err.toJSON();
  if (isRedisUnavailable(err)) return new ApiError('SERVICE_UNAVAILABLE', 'Redis is unreachable').toJSON();
  return new ApiError('INTERNAL', err instanceof Error ? err.message : String(err)).toJSON();
}
