import { reshape, type Tensor } from '@trainyard/tensor';
import type { ConfigReader, JsonObject } from '../config/reader.js';
import { Layer, readBaseArgs, type CallArgs, type SymbolicShape } from './layer.js';

/** Flattens every axis but the batch axis, in C order (channels_last). */
export class Flatten extends Layer {
  readonly className = 'Flatten';
  readonly dataFormat: string;

  constructor(r: ConfigReader, name: string) {
    super(readBaseArgs(r, name));
    this.dataFormat = r.string('data_format', 'channels_last');
    if (this.dataFormat !== 'channels_last')
      r.fail('data_format', `data_format "${this.dataFormat}" is not supported yet`);
  }

  override computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    if (inputShape.length < 2) this.shapeError('Flatten expects an input of rank ≥ 2', inputShape);
    let n = 1;
    for (const d of inputShape.slice(1)) n *= d ?? NaN;
    return [inputShape[0], Number.isNaN(n) ? null : n];
  }

  override call(x: Tensor, _args: CallArgs): Tensor {
    return reshape(x, [x.shape[0], -1]);
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), data_format: this.dataFormat };
  }
}
