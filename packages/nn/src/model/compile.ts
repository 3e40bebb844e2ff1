import { parseLoss, type LossSpec } from '../losses.js';
import { parseMetrics, type MetricSpec } from '../metrics.js';
import { parseOptimizer } from '../optimizers/registry.js';
import type { CompileArgs } from './sequential.js';

/**
 * Checks compile arguments without a model (no weights, no optimizer state), so a service can
 * refuse an unknown optimizer, loss or metric before queuing. Paths in errors start at `path`.
 */
export function checkCompile(c: CompileArgs, path = ''): { loss: LossSpec; metrics: MetricSpec[] } {
  parseOptimizer(c.optimizer, `${path}/optimizer`);
  const loss = parseLoss(c.loss, `${path}/loss`);
  const metrics = parseMetrics(c.metrics, `${path}/metrics`);
  return { loss, metrics };
}
