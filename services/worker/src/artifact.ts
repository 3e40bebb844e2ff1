import { toLayersModel, type Model } from '@trainyard/nn';
import { artifactLinks, modelBlobKey } from '@trainyard/contracts';
import type { BlobStore } from '@trainyard/store';

/**
 * Stores a trained model as a TF.js layers model (`jobs/<id>/model/model.json` and `weights.bin`
 * beside it) and returns the links the completed event carries. weights.bin is written first, so a
 * reader that finds model.json always finds its weights.
 */
export async function saveModelArtifact(
  jobId: string,
  model: Model,
  blobs: BlobStore,
): Promise<{ model: string; predict: string }> {
  const { modelJson, weightsBin } = toLayersModel(model);
  await blobs.put(modelBlobKey(jobId, 'weights.bin'), weightsBin);
  await blobs.put(modelBlobKey(jobId, 'model.json'), Buffer.from(JSON.stringify(modelJson)));
  return artifactLinks(jobId);
}
