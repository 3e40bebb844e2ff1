import type { JsonObject } from '../config/reader.js';
import { Optimizer, optimizerReader, readCommon, type CommonOptions } from './optimizer.js';

const ADAM_KEYS = ['beta_1', 'beta_2', 'epsilon', 'amsgrad'];

/**
 * Keras 3 Adam: α_t = η·√(1−β₂ᵗ)/(1−β₁ᵗ); m ← m + (1−β₁)(g − m); v ← v + (1−β₂)(g² − v);
 * w ← w − α_t·m/(√v + ε) — ε is "epsilon hat", added to the un-corrected √v (TF.js differs).
 * amsgrad keeps v̂ = max(v̂, v) and divides by √v̂.
 */
export class Adam extends Optimizer {
  readonly className: string = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;
  private alpha = 0;

  constructor(config: JsonObject = {}, path = '/optimizer/config', weightDecay: number | null = null) {
    const r = optimizerReader(config, path, ADAM_KEYS);
    const common: CommonOptions = readCommon(r, 0.001, weightDecay);
    super(common);
    this.beta1 = r.number('beta_1', 0.9, { min: 0, below: 1 });
    this.beta2 = r.number('beta_2', 0.999, { min: 0, below: 1 });
    this.epsilon = r.number('epsilon', 1e-7, { min: 0 });
    this.amsgrad = r.bool('amsgrad', false);
  }

  protected override slotNames(): string[] {
    return this.amsgrad ? ['m', 'v', 'vhat'] : ['m', 'v'];
  }

  protected override beginStep(t: number): void {
    this.alpha = (this.lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
  }

  // The hottest loop of an MLP step. Values read back after a store go through Math.fround, as the
  // Float32Array would return them, so results equal the plain `m[j] += …` form bit for bit.
  protected override update(i: number, w: Float32Array, g: Float32Array): void {
    const m = this.slots[0][i];
    const v = this.slots[1][i];
    const { epsilon, alpha } = this;
    const b1 = 1 - this.beta1;
    const b2 = 1 - this.beta2;
    if (this.amsgrad) {
      const vhat = this.slots[2][i];
      for (let j = 0; j < w.length; j++) {
        const gj = g[j];
        const mj = Math.fround(m[j] + b1 * (gj - m[j]));
        const vj = Math.fround(v[j] + b2 * (gj * gj - v[j]));
        m[j] = mj;
        v[j] = vj;
        if (vj > vhat[j]) vhat[j] = vj;
        w[j] -= (alpha * mj) / (Math.sqrt(vhat[j]) + epsilon);
      }
      return;
    }
    for (let j = 0; j < w.length; j++) {
      const gj = g[j];
      const mj = Math.fround(m[j] + b1 * (gj - m[j]));
      const vj = Math.fround(v[j] + b2 * (gj * gj - v[j]));
      m[j] = mj;
      v[j] = vj;
      w[j] -= (alpha * mj) / (Math.sqrt(vj) + epsilon);
    }
  }

  override getConfig(): JsonObject {
    return {
      name: this.className,
      ...this.commonConfig(),
      beta_1: this.beta1,
      beta_2: this.beta2,
      epsilon: this.epsilon,
      amsgrad: this.amsgrad,
    };
  }
}

/** Keras 3 AdamW: Adam with decoupled weight decay (default 0.004): w ← w − η·wd·w, then the Adam step. */
export class AdamW extends Adam {
  override readonly className = 'AdamW';

  constructor(config: JsonObject = {}, path = '/optimizer/config') {
    super(config, path, 0.004);
  }
}
