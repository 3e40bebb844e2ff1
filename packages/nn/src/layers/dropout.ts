import { mul, Rng, Tensor } from '@trainyard/tensor';
import type { ConfigReader, JsonObject } from '../config/reader.js';
import { Layer, readBaseArgs, type CallArgs, type SymbolicShape } from './layer.js';

/** Inverted dropout: in training keeps each unit with probability 1−rate and scales it by 1/(1−rate); identity at inference. */
export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly rate: number;
  readonly seed: number | null;
  private ownRng: Rng | null = null;

  constructor(r: ConfigReader, name: string) {
    super(readBaseArgs(r, name));
    this.rate = r.number('rate', undefined, { min: 0, below: 1 });
    this.seed = r.has('seed') ? r.number('seed', undefined, { integer: true }) : null;
    r.unsupported(['noise_shape'], 'Dropout');
  }

  override computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    return [...inputShape];
  }

  override call(x: Tensor, args: CallArgs): Tensor {
    if (!args.training || this.rate === 0) return x;
    // A layer seed makes its masks independent of the model's stream, as in Keras.
    let rng = args.rng;
    if (this.seed !== null || rng === undefined) rng = this.ownRng ??= new Rng(this.seed ?? 0);
    const keep = 1 - this.rate;
    const scale = 1 / keep;
    const mask = new Float32Array(x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = rng.uniform() < keep ? scale : 0;
    return mul(x, new Tensor(mask, x.shape));
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), rate: this.rate, noise_shape: null, seed: this.seed };
  }
}
