import {
  loadCheckpoint,
  saveCheckpoint,
  type Callback,
  type Checkpoint,
  type History,
  type Logs,
  type Model,
} from '@trainyard/nn';

/** What train() needs to checkpoint a run and to continue one; no storage here (see checkpoints.ts). */
export interface TrainHooks {
  /** A stored checkpoint to continue from: weights, optimizer state, epoch and history. */
  resume?: { json: unknown; bin: Uint8Array };
  /** Called after every epoch's event with that epoch's checkpoint; training waits for it. */
  onCheckpoint?: (checkpoint: Checkpoint) => Promise<void>;
}

/** Where a restored run stands: completed epochs, their history and the last epoch's logs. */
export interface Restored {
  epoch: number;
  history: History;
  lastLogs: Logs;
}

/**
 * Puts a checkpoint into a freshly built and compiled model and the state of its callbacks
 * (EarlyStopping, ReduceLROnPlateau: the same list, built from the same spec, that snapshot() saw).
 * Returns an error when the checkpoint does not fit (loadCheckpoint validates before it writes, so
 * the model is untouched and training can start over; deterministic training makes that only slower).
 */
export function restoreCheckpoint(
  model: Model,
  checkpoint: { json: unknown; bin: Uint8Array },
  callbacks: readonly Callback[] = [],
): Restored | { error: string } {
  // A cancel or timeout stores the weights mid-epoch; an epoch cannot be resumed halfway.
  const batch = (checkpoint.json as { batch?: unknown }).batch;
  if (typeof batch === 'number' && batch > 0)
    return { error: `the checkpoint is from the middle of an epoch (batch ${batch})` };
  let state;
  try {
    state = loadCheckpoint(model, checkpoint, { callbacks });
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
  // ReduceLROnPlateau and LearningRateScheduler change the rate during the run; the optimizer
  // config in the checkpoint holds the rate it had then (a number, unless it is a schedule).
  const opt = model.optimizer;
  const json = checkpoint.json as { optimizer?: { config?: { learning_rate?: unknown } } | null };
  const lr = json.optimizer?.config?.learning_rate;
  if (opt && typeof lr === 'number' && Number.isFinite(lr)) opt.learningRate = lr;
  const { history } = state;
  const lastLogs: Logs = {};
  const last = history.epoch.length - 1;
  if (last >= 0)
    for (const [k, values] of Object.entries(history.history))
      if (values[last] !== undefined) lastLogs[k] = values[last];
  return { epoch: state.epoch, history, lastLogs };
}

/** Adds one epoch's logs to a run's history, as fit's History does. */
export function appendEpoch(history: History, epoch: number, logs: Logs): void {
  history.epoch.push(epoch);
  for (const [k, value] of Object.entries(logs)) (history.history[k] ??= []).push(value);
}

/** The checkpoint after `epoch` completed epochs (1-based count, the resumed fit's initialEpoch), with the callbacks' state. */
export function snapshot(
  model: Model,
  epoch: number,
  history: History,
  seed: number,
  callbacks: readonly Callback[] = [],
): Checkpoint {
  return saveCheckpoint(model, { epoch, history, rngSeed: seed, callbacks });
}
