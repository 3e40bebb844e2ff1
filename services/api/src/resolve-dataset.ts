import type { JobSpec } from '@trainyard/contracts';
import type { DatasetStore } from './dataset-store.js';
import { ApiError } from './errors.js';
import type { ResolvedDataset } from './validate-job.js';

/**
 * Looks up the dataset a spec names, for checkJob, which is synchronous and takes the result as an
 * argument: an upload's record, or null for built-in and inline data (the spec holds all there is).
 * The one place an api check reads a stored dataset (POST /v1/jobs, each sweep, a job's summary).
 * An upload the tenant does not hold is DATASET_NOT_FOUND, `path` naming the id in the body.
 *
 * @example await resolveDataset(app.datasets, tenant, body.base.dataset, '/base/dataset/id')
 */
export async function resolveDataset(
  datasets: Pick<DatasetStore, 'get'>,
  tenant: string,
  ds: JobSpec['dataset'],
  path = '/dataset/id',
): Promise<ResolvedDataset> {
  if (!('id' in ds)) return null;
  const record = await datasets.get(tenant, ds.id);
  if (!record) throw new ApiError('DATASET_NOT_FOUND', `No dataset ${ds.id}`, { id: ds.id, path });
  return record;
}
