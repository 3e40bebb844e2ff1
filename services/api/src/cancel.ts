import type { FastifyInstance } from 'fastify';
import { isTerminalStatus, type JobStatus } from '@trainyard/contracts';
import { jobKeys } from '@trainyard/store';

/**
 * Cancels one of a tenant's jobs: a queued one is taken off the queue and ends cancelled at once,
 * a running one is asked (over pub/sub) to stop at the worker that holds it. Returns the status
 * the job had, or null for an unknown job; a finished job is left as it is.
 */
export async function cancelJob(app: FastifyInstance, tenant: string, id: string): Promise<JobStatus | null> {
  const status = await app.jobs.requestCancel(tenant, id);
  if (!status || isTerminalStatus(status)) return status;
  // Removal succeeds only when no worker holds the job's lock: waiting, or delayed before a retry.
  if ((await app.queue.remove(id)) === 1) {
    await app.jobs.finishCancelled(tenant, id, 'cancelled before it started');
  } else {
    await app.redis.publish(jobKeys.cancel(app.config.prefix), id);
  }
  return status;
}
