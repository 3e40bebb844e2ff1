import type { Redis } from 'ioredis';
import { threadRedis } from './redis.js';
import { toLayersModel, type Model } from '@trainyard/nn';
import { artifactLinks, modelBlobKey } from '@trainyard/contracts';
import { RedisBlobStore, type BlobStore } from '@trainyard/store';

/** Where the artifact goes: a blob store, or the Redis (URL and key prefix) to open one on. */
export interface ArtifactEnv {
  blobs?: BlobStore;
  redisUrl?: string;
  prefix?: string;
}

/**
 * Stores a trained model as a TF.js layers model (`jobs/<id>/model/model.json` and `weights.bin`
 * beside it) and returns the links the completed event carries. weights.bin is written first, so a
 * reader that finds model.json always finds its weights.
 */
export async function saveModelArtifact(
  jobId: string,
  model: Model,
  env: ArtifactEnv,
): Promise<{ model: string; predict: string }> {
  const { modelJson, weightsBin } = toLayersModel(model);
  let redis: Redis | undefined;
  let blobs = env.blobs;
  if (!blobs) {
    if (!env.redisUrl || env.prefix === undefined)
      throw new Error('The worker has no blob store for artifacts (redisUrl and prefix unset)');
    redis = threadRedis(env.redisUrl, `trainyard-artifact-${jobId}`);
    blobs = new RedisBlobStore(redis, env.prefix);
  }
  try {
    await blobs.put(modelBlobKey(jobId, 'weights.bin'), weightsBin);
    await blobs.put(modelBlobKey(jobId, 'model.json'), Buffer.from(JSON.stringify(modelJson)));
  } finally {
    await redis?.quit().catch(() => redis?.disconnect());
  }
  return artifactLinks(jobId);
}
