import type { Tensor } from '@trainyard/tensor';
import { ACTIVATIONS, activationName } from '../activations.js';
import type { ConfigReader, JsonObject } from '../config/reader.js';
import { Layer, readBaseArgs, type CallArgs, type SymbolicShape } from './layer.js';

/** Applies an activation function element-wise (softmax over the last axis). */
export class Activation extends Layer {
  readonly className = 'Activation';
  readonly activation: string;

  constructor(r: ConfigReader, name: string) {
    super(readBaseArgs(r, name));
    const act = activationName(r.config.activation);
    if (act === undefined)
      r.fail('activation', `unknown activation ${JSON.stringify(r.config.activation)}`, 'SPEC_UNKNOWN_ACTIVATION');
    this.activation = act;
  }

  override computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    return [...inputShape];
  }

  override call(x: Tensor, _args: CallArgs): Tensor {
    return ACTIVATIONS[this.activation](x);
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), activation: this.activation };
  }
}
