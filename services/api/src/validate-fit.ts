import { NnError, callbackFromConfig, logNames, parseOptimizer, type HeadSpec } from '@trainyard/nn';
import type { JobSpec } from '@trainyard/contracts';

const CODE = 'SPEC_INVALID_FIT_CONFIG';

/** What fit's options are checked against: the compiled metrics and what the dataset holds. */
export interface FitContext {
  compile: JobSpec['compile'];
  /** One head per model output, as checkCompile resolved them. */
  heads: readonly HeadSpec[];
  /** Class count (or one-hot row width), undefined for scalar regression targets. */
  classes: number | undefined;
}

/**
 * Keras log keys fit writes at each epoch end: loss (and `<output>_loss` per output when there
 * are several), each metric under its output's prefix, and val_* of all of them with validation data.
 */
export function loggedNames(fit: JobSpec['fit'], heads: FitContext['heads']): string[] {
  const train = logNames(heads);
  return (fit.validation_split ?? 0) > 0 ? [...train, ...train.map((n) => `val_${n}`)] : train;
}

function fail(message: string, path: string, extra: Record<string, unknown> = {}): never {
  throw new NnError(CODE, message, { path, ...extra });
}

/** Callbacks: each built once by the engine (cheap objects, no weights), then checked against what the job logs. */
function checkCallbacks(fit: JobSpec['fit'], ctx: FitContext): void {
  const callbacks = fit.callbacks ?? [];
  if (callbacks.length === 0) return;
  const logged = loggedNames(fit, ctx.heads);
  let scheduled: boolean | undefined;
  callbacks.forEach((spec, i) => {
    const path = `/fit/callbacks/${i}`;
    if (spec.class_name === 'ModelCheckpoint') {
      fail(
        'ModelCheckpoint is not available in a job spec: the service checkpoints every epoch itself and keeps the final model; ' +
          'to keep the best epoch, use EarlyStopping with restore_best_weights: true',
        `${path}/class_name`,
      );
    }
    // The engine's reader names the exact option at fault (unknown option, patience < 0, bad mode).
    const cb = callbackFromConfig(spec, {}, path) as { monitor?: unknown };
    if (typeof cb.monitor === 'string' && !logged.includes(cb.monitor)) {
      const hint =
        cb.monitor.startsWith('val_') && !logged.some((n) => n.startsWith('val_'))
          ? ' (val_* values need fit.validation_split > 0)'
          : '';
      const given = spec.config?.monitor === undefined ? ` (the default of ${spec.class_name})` : '';
      fail(
        `monitor "${cb.monitor}"${given} is not logged by this job${hint}; it logs: ${logged.join(', ')}`,
        `${path}/config/monitor`,
        { logged },
      );
    }
    if (spec.class_name === 'ReduceLROnPlateau') {
      // The engine refuses this only when the first epoch ends; refuse it before the job is queued.
      scheduled ??= parseOptimizer(ctx.compile.optimizer, '/compile/optimizer').schedule !== null;
      if (scheduled)
        fail(
          'ReduceLROnPlateau cannot change the learning rate of an optimizer built with a learning-rate schedule; give a constant learning_rate',
          `${path}/class_name`,
        );
    }
  });
}

/** class_weight keys are class indices of this dataset. */
function checkClassWeight(fit: JobSpec['fit'], classes: number | undefined): void {
  if (!fit.class_weight) return;
  if (classes === undefined)
    fail('class_weight needs class targets; this dataset has continuous ones', '/fit/class_weight');
  for (const key of Object.keys(fit.class_weight)) {
    if (Number(key) >= classes)
      fail(
        `class_weight key "${key}" is not a class of this dataset (classes 0…${classes - 1})`,
        `/fit/class_weight/${key}`,
        { classes },
      );
  }
}

/**
 * Checks the fit options the schema cannot: initial_epoch against epochs, class_weight against
 * the dataset's classes, and each callback's config and monitored value, so that a typo in a
 * callback is a 400 naming its path rather than a job that fails (or silently never stops).
 */
export function checkFit(fit: JobSpec['fit'], ctx: FitContext): void {
  const initial = fit.initial_epoch ?? 0;
  if (initial >= fit.epochs)
    fail(
      `initial_epoch ${initial} leaves nothing to train: it must be below epochs (${fit.epochs})`,
      '/fit/initial_epoch',
    );
  checkClassWeight(fit, ctx.classes);
  checkCallbacks(fit, ctx);
}
