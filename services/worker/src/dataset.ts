import { fromInline, loadBuiltin, parseNpy, splitTest, DataError, type Dataset } from '@trainyard/data';
import { datasetBlobKey, type DatasetSpec } from '@trainyard/contracts';
import type { BlobStore } from '@trainyard/store';

/** Where the worker finds data: the Fashion-MNIST folder, and the blob store holding uploads. */
export interface DatasetEnv {
  fashionMnistDir: string;
  /** The training thread's blob store, holding uploaded datasets (built-in and inline data need none). */
  blobs?: BlobStore;
}

/** Resolves a job's dataset spec to arrays: built-ins are generated or read locally, uploads come from the blob store. */
export async function loadDataset(spec: DatasetSpec, env: DatasetEnv): Promise<Dataset> {
  if ('inline' in spec) return fromInline(spec.inline);
  if ('id' in spec) return loadStored(spec, env);
  return loadBuiltin(spec.builtin, spec.options, { fashionMnistDir: env.fashionMnistDir });
}

async function loadStored(
  spec: { id: string; options?: { test_split?: number; seed?: number } },
  env: DatasetEnv,
): Promise<Dataset> {
  const { blobs } = env;
  if (!blobs) throw new Error(`No blob store to load uploaded dataset ${spec.id} from`);
  const [x, y, meta] = await Promise.all([
    blobs.get(datasetBlobKey(spec.id, 'x.npy')),
    blobs.get(datasetBlobKey(spec.id, 'y.npy')),
    blobs.get(datasetBlobKey(spec.id, 'meta.json')),
  ]);
  // Deleted after the job was queued: the job's fault, not the worker's, so it is not retried.
  if (!x || !y || !meta)
    throw new DataError('DATASET_INVALID', `Dataset ${spec.id} no longer exists (deleted after the job was queued)`, {
      id: spec.id,
    });
  const info = JSON.parse(meta.toString()) as { name: string; classes: number | null };
  const xa = parseNpy(x, `${spec.id}/x.npy`);
  const ya = parseNpy(y, `${spec.id}/y.npy`);
  const data: Dataset = {
    name: info.name,
    x: { data: xa.data as Float32Array, shape: xa.shape },
    y: { data: ya.data as Float32Array, shape: ya.shape },
    ...(ya.shape.length === 1 && info.classes !== null && { classes: info.classes }),
  };
  return splitTest(data, spec.options?.test_split ?? 0, spec.options?.seed ?? 0);
}
