import { expect } from 'vitest';
import type { JobSpec } from '../packages/contracts/src/index.js';
import { loadCheckpoint, modelFromJson } from '../packages/nn/src/index.js';
import { RedisBlobStore } from '../packages/store/src/index.js';
import { loadStoredCheckpoint } from '../services/worker/src/checkpoints.js';
import type { Stack } from './stack.js';

/**
 * For a job stopped by a cancel or a timeout (a spiralsJob): its terminal event says which
 * checkpoint holds the work done, the stream announced it just before, and the stored checkpoint
 * is whole and loads into the job's model.
 */
export async function expectStoppedCheckpoint(
  stack: Stack,
  id: string,
  events: { event: string; data: any }[],
  spec: JobSpec,
): Promise<void> {
  const end = events.at(-1)!.data as { checkpoint_epoch?: number; checkpoint_batch?: number };
  expect(end.checkpoint_epoch).toBeGreaterThanOrEqual(1);
  const epochs = events.filter((e) => e.event === 'epoch').length;
  // Every epoch reported is in it, plus the batches of the next one when it stopped mid-epoch.
  expect(end.checkpoint_epoch).toBe(epochs);
  if (end.checkpoint_batch !== undefined) expect(end.checkpoint_batch).toBeGreaterThan(0);
  const announced = events.at(-2)!;
  expect(announced.event).toBe('checkpoint');
  expect([announced.data.epoch, announced.data.batch]).toEqual([end.checkpoint_epoch, end.checkpoint_batch]);

  const stored = await loadStoredCheckpoint(new RedisBlobStore(stack.app.redis, stack.prefix), id);
  expect(stored).not.toBeNull();
  expect(stored!.json.epoch).toBe(end.checkpoint_epoch);
  expect(stored!.json.batch).toBe(end.checkpoint_batch);
  expect(stored!.json.history.epoch).toHaveLength(end.checkpoint_epoch!);
  const model = modelFromJson(spec.model, { seed: 1, inputShape: [2] });
  model.compile(spec.compile);
  const before = model.getWeights().map((w) => Array.from(w.data));
  expect(loadCheckpoint(model, stored!)).toMatchObject({ epoch: end.checkpoint_epoch });
  expect(model.getWeights().map((w) => w.shape)).toEqual([[2, 64], [64], [64, 64], [64], [64, 2], [2]]);
  expect(model.getWeights().map((w) => Array.from(w.data))).not.toEqual(before);
}
