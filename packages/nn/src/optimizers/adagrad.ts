import type { JsonObject } from '../config/reader.js';
import { Optimizer, optimizerReader, readCommon } from './optimizer.js';

/** Keras 3 Adagrad: a ← a + g² (a starts at initial_accumulator_value); w ← w − ηg/√(a + ε). */
export class Adagrad extends Optimizer {
  readonly className = 'Adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(config: JsonObject = {}, path = '/optimizer/config') {
    const r = optimizerReader(config, path, ['initial_accumulator_value', 'epsilon']);
    super(readCommon(r, 0.001));
    this.initialAccumulatorValue = r.number('initial_accumulator_value', 0.1, { min: 0 });
    this.epsilon = r.number('epsilon', 1e-7, { min: 0 });
  }

  protected override slotNames(): string[] {
    return ['accumulator'];
  }

  protected override slotInit(): number {
    return this.initialAccumulatorValue;
  }

  protected override update(i: number, w: Float32Array, g: Float32Array): void {
    const a = this.slots[0][i];
    const { lr, epsilon } = this;
    for (let j = 0; j < w.length; j++) {
      a[j] += g[j] * g[j];
      w[j] -= (lr * g[j]) / Math.sqrt(a[j] + epsilon);
    }
  }

  override getConfig(): JsonObject {
    return {
      name: 'Adagrad',
      ...this.commonConfig(),
      initial_accumulator_value: this.initialAccumulatorValue,
      epsilon: this.epsilon,
    };
  }
}
