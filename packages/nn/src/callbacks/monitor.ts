// Which direction of a monitored log value counts as better, shared by the Keras callbacks.
import type { Logs } from '../callbacks.js';
import { NnError } from '../errors.js';
import type { Model } from '../model/model.js';

/** Keras `mode`: auto picks max for accuracy-like names, else min. */
export type MonitorMode = 'auto' | 'min' | 'max';

// Keras 3 resolves `auto` from the metric's direction; these are our metrics that grow.
const MAXIMISED = /(^|_)(acc|accuracy|auc|precision|recall)$/;

/** True when `auto` (or an explicit mode) means larger values are better. */
export function isMaximised(monitor: string, mode: MonitorMode): boolean {
  if (mode !== 'auto') return mode === 'max';
  return !monitor.endsWith('loss') && MAXIMISED.test(monitor);
}

/** The monitored value of `logs`, or undefined when fit did not log it (Keras warns and skips). */
export function monitored(logs: Logs | undefined, monitor: string): number | undefined {
  const v = logs?.[monitor];
  return typeof v === 'number' ? v : undefined;
}

/** Validates a mode string from options or a config. */
export function checkMode(mode: string, path: string): MonitorMode {
  if (mode === 'auto' || mode === 'min' || mode === 'max') return mode;
  throw new NnError('SPEC_INVALID_FIT_CONFIG', `mode must be "auto", "min" or "max", got "${mode}"`, { path });
}

/** Base of callbacks that need the model (Keras `set_model`). */
export abstract class ModelCallback {
  private current: Model | null = null;

  setModel(model: Model): void {
    this.current = model;
  }

  /** The model passed by fit; throws when used outside fit. */
  protected get model(): Model {
    if (!this.current)
      throw new NnError('SPEC_INVALID_FIT_CONFIG', `${this.constructor.name} is used outside fit (no model set)`);
    return this.current;
  }
}
