import type { JsonObject } from '../config/reader.js';
import { Optimizer, optimizerReader, readCommon } from './optimizer.js';

/**
 * Keras 3 RMSprop: s ← ρs + (1−ρ)g²; centered: m ← ρm + (1−ρ)g and den = s − m² + ε, else
 * den = s + ε; Δ = ηg/√den (ε inside the sqrt); with momentum p ← μp + Δ, w ← w − p; else w ← w − Δ.
 */
export class RMSprop extends Optimizer {
  readonly className = 'RMSprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(config: JsonObject = {}, path = '/optimizer/config') {
    const r = optimizerReader(config, path, ['rho', 'momentum', 'epsilon', 'centered']);
    super(readCommon(r, 0.001));
    this.rho = r.number('rho', 0.9, { min: 0, below: 1 });
    this.momentum = r.number('momentum', 0, { min: 0, max: 1 });
    this.epsilon = r.number('epsilon', 1e-7, { min: 0 });
    this.centered = r.bool('centered', false);
  }

  // Slot order: velocity, then momentum and average_gradient when used (Keras names).
  protected override slotNames(): string[] {
    return ['velocity', ...(this.momentum > 0 ? ['momentum'] : []), ...(this.centered ? ['average_gradient'] : [])];
  }

  protected override update(i: number, w: Float32Array, g: Float32Array): void {
    const { rho, momentum, epsilon, lr } = this;
    const s = this.slots[0][i];
    const p = momentum > 0 ? this.slots[1][i] : null;
    const mg = this.centered ? this.slots[momentum > 0 ? 2 : 1][i] : null;
    for (let j = 0; j < w.length; j++) {
      const gj = g[j];
      s[j] = rho * s[j] + (1 - rho) * gj * gj;
      let den = s[j] + epsilon;
      if (mg) {
        mg[j] = rho * mg[j] + (1 - rho) * gj;
        den -= mg[j] * mg[j];
      }
      const delta = (lr * gj) / Math.sqrt(den);
      if (p) {
        p[j] = momentum * p[j] + delta;
        w[j] -= p[j];
      } else {
        w[j] -= delta;
      }
    }
  }

  override getConfig(): JsonObject {
    return {
      name: 'RMSprop',
      ...this.commonConfig(),
      rho: this.rho,
      momentum: this.momentum,
      epsilon: this.epsilon,
      centered: this.centered,
    };
  }
}
