import type { FastifyInstance } from 'fastify';
import { sweepLinks, type JobStatus, type SweepSummary, type SweepTrial, type SweepView } from '@trainyard/contracts';
import { readTrials } from '@trainyard/store';
import type { SweepRecord } from '../sweep-store.js';

/** The sweep with each trial's current status and metric value read from its job record. */
export async function sweepView(app: FastifyInstance, rec: SweepRecord): Promise<SweepView> {
  const rows = await readTrials(
    app.redis,
    app.config.prefix,
    rec.trials.map((t) => t.job_id),
  );
  const trials = rec.trials.map((t, i): SweepTrial => {
    const [status, metrics, error, , owner] = rows[i];
    if (!status || owner !== rec.tenant) return { ...t }; // the trial's job was deleted
    const value = (JSON.parse(metrics || '{}') as Record<string, unknown>)[rec.metric];
    return {
      ...t,
      status: status as JobStatus,
      value: typeof value === 'number' ? value : null,
      ...(error && { error: JSON.parse(error) as SweepTrial['error'] }),
    };
  });
  const started = trials.some((t) => t.status !== undefined && t.status !== 'queued');
  return {
    id: rec.id,
    status: rec.status === 'queued' && started ? 'running' : rec.status,
    method: rec.method,
    metric: rec.metric,
    mode: rec.mode,
    ...(rec.seed !== undefined && { seed: rec.seed }),
    created_at: rec.created_at,
    ...(rec.finished_at && { finished_at: rec.finished_at }),
    trials,
    ...(rec.ranking && { ranking: rec.ranking }),
    links: sweepLinks(rec.id),
  };
}

/** A sweep as `GET /v1/sweeps` lists it: its view without the trials, with their count. */
export function sweepSummary(v: SweepView): SweepSummary {
  const summary = {
    id: v.id,
    status: v.status,
    method: v.method,
    metric: v.metric,
    mode: v.mode,
    created_at: v.created_at,
    trial_count: v.trials.length,
    links: v.links,
  };
  return v.finished_at ? { ...summary, finished_at: v.finished_at } : summary;
}
