import type { JsonObject } from '../config/reader.js';
import { Optimizer, optimizerReader, readCommon } from './optimizer.js';

/** Keras 3 SGD: v ← μv − ηg; w ← w + v, or with Nesterov w ← w + μv − ηg; plain w ← w − ηg when μ = 0. */
export class SGD extends Optimizer {
  readonly className = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(config: JsonObject = {}, path = '/optimizer/config') {
    const r = optimizerReader(config, path, ['momentum', 'nesterov']);
    super(readCommon(r, 0.01));
    this.momentum = r.number('momentum', 0, { min: 0, max: 1 });
    this.nesterov = r.bool('nesterov', false);
  }

  protected override slotNames(): string[] {
    return this.momentum > 0 ? ['momentum'] : [];
  }

  protected override update(i: number, w: Float32Array, g: Float32Array): void {
    const lr = this.lr;
    if (this.momentum === 0) {
      for (let j = 0; j < w.length; j++) w[j] -= lr * g[j];
      return;
    }
    const mu = this.momentum;
    const v = this.slots[0][i];
    for (let j = 0; j < w.length; j++) {
      v[j] = mu * v[j] - lr * g[j];
      w[j] += this.nesterov ? mu * v[j] - lr * g[j] : v[j];
    }
  }

  override getConfig(): JsonObject {
    return { name: 'SGD', ...this.commonConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}
