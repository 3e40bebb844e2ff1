import { add, matmul, type Tensor } from '@trainyard/tensor';
import { ACTIVATIONS } from '../activations.js';
import type { ConfigReader } from '../config/reader.js';
import { Recurrent } from './rnn.js';

/** Keras SimpleRNN: h_t = activation(x_t·kernel + h_{t−1}·recurrent_kernel + bias), h_0 = 0. */
export class SimpleRNN extends Recurrent {
  readonly className = 'SimpleRNN';
  protected readonly gates = 1;

  constructor(r: ConfigReader, name: string) {
    super(r, name, 'SimpleRNN');
  }

  protected scan(inputs: readonly Tensor[], recurrentKernel: Tensor): Tensor[] {
    const act = ACTIVATIONS[this.activation];
    const out: Tensor[] = [];
    let h: Tensor | null = null;
    for (const xt of inputs) {
      // h_0 = 0, so the first step has no recurrent term.
      h = act(h ? add(xt, matmul(h, recurrentKernel)) : xt);
      out.push(h);
    }
    return out;
  }
}
