import { add, matmul, mul, split, type Rng, type Tensor } from '@trainyard/tensor';
import { ACTIVATIONS } from '../activations.js';
import type { ConfigReader, JsonObject } from '../config/reader.js';
import { initialize } from '../initializers.js';
import { Recurrent, readActivation } from './rnn.js';

/**
 * Keras LSTM; gate blocks in kernel, recurrent_kernel and bias are ordered i, f, c, o:
 * i, f, o = recurrent_activation(z), c_t = f·c_{t−1} + i·activation(z_c), h_t = o·activation(c_t).
 */
export class LSTM extends Recurrent {
  readonly className = 'LSTM';
  protected readonly gates = 4;
  readonly recurrentActivation: string;
  /** Initialise the forget-gate bias to one (Keras's default; TF.js writes null for it). */
  readonly unitForgetBias: boolean;

  constructor(r: ConfigReader, name: string) {
    super(r, name, 'LSTM');
    this.recurrentActivation = readActivation(r, 'recurrent_activation', 'sigmoid');
    this.unitForgetBias = r.bool('unit_forget_bias', true);
  }

  // Keras initialises the i block and the c, o blocks separately around a block of ones.
  protected override initialBias(rng: Rng): Float32Array {
    if (!this.unitForgetBias) return super.initialBias(rng);
    const u = this.units;
    const out = new Float32Array(4 * u);
    out.set(initialize(this.biasInitializer, [u], rng), 0);
    out.fill(1, u, 2 * u);
    out.set(initialize(this.biasInitializer, [2 * u], rng), 2 * u);
    return out;
  }

  protected scan(inputs: readonly Tensor[], recurrentKernel: Tensor): Tensor[] {
    const act = ACTIVATIONS[this.activation];
    const gate = ACTIVATIONS[this.recurrentActivation];
    const out: Tensor[] = [];
    let h: Tensor | null = null;
    let c: Tensor | null = null;
    for (const xt of inputs) {
      const z = h ? add(xt, matmul(h, recurrentKernel)) : xt;
      const [zi, zf, zc, zo] = split(z, 4, 1);
      const ig = mul(gate(zi), act(zc));
      // c_0 = 0: the first step has no forget term.
      c = c ? add(mul(gate(zf), c), ig) : ig;
      h = mul(gate(zo), act(c));
      out.push(h);
    }
    return out;
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      recurrent_activation: this.recurrentActivation,
      unit_forget_bias: this.unitForgetBias,
      implementation: 2,
    };
  }
}
