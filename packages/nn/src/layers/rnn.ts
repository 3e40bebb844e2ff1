import { add, matmul, reshape, slice, split, stack, Tensor, transpose, type Rng } from '@trainyard/tensor';
import { activationName } from '../activations.js';
import type { ConfigReader, JsonObject } from '../config/reader.js';
import { initialize, readInitializer, serializeInitializer, type InitializerSpec } from '../initializers.js';
import {
  penalties,
  readRegularizer,
  serializeRegularizer,
  type Regularized,
  type RegularizerSpec,
} from '../regularizers.js';
import { Layer, readBaseArgs, type CallArgs, type SymbolicShape } from './layer.js';

// Anything that changes training silently if ignored must be rejected until implemented.
const UNSUPPORTED = ['activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint'];

/**
 * Reads an activation name with a layer-specific default (a missing key means `fallback`, an
 * explicit null means linear, as in Keras).
 */
export function readActivation(r: ConfigReader, key: string, fallback: string): string {
  const raw = r.config[key] === undefined ? fallback : r.config[key];
  const name = activationName(raw);
  if (name !== undefined) return name;
  return r.fail(key, `unknown activation ${JSON.stringify(raw)}`, 'SPEC_UNKNOWN_ACTIVATION');
}

/**
 * Splits time-major z [T, B, W] into T contiguous tensors [B, W] by halving recursively. A flat
 * list of T slices would cost O(T²) in backward (each slice's gradient is z-sized and they are
 * summed one by one); halving keeps every level's gradients the size of z: O(|z|·log T).
 */
export function unstackTime(z: Tensor): Tensor[] {
  const steps = z.shape[0];
  if (steps === 1) return [slice(z, 0)];
  const half = steps >> 1;
  const [a, b] = split(z, [half, steps - half], 0);
  return [...unstackTime(a), ...unstackTime(b)];
}

/**
 * Shared part of Keras's recurrent layers over [batch, timesteps, features]: weights kernel
 * [features, gates·units], recurrent_kernel [units, gates·units] and bias [gates·units];
 * zero initial state; `x·kernel + bias` for all timesteps in one matmul, then a per-step cell.
 */
export abstract class Recurrent extends Layer implements Regularized {
  readonly units: number;
  readonly activation: string;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerSpec;
  readonly recurrentInitializer: InitializerSpec;
  readonly biasInitializer: InitializerSpec;
  readonly kernelRegularizer: RegularizerSpec | null;
  readonly recurrentRegularizer: RegularizerSpec | null;
  readonly biasRegularizer: RegularizerSpec | null;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
  /** Accepted and kept for the config; unrolling changes nothing numerically here. */
  readonly unroll: boolean;
  /** Gate blocks in the kernels (SimpleRNN 1, LSTM 4). */
  protected abstract readonly gates: number;

  constructor(r: ConfigReader, name: string, what: string) {
    super(readBaseArgs(r, name));
    this.units = r.number('units', undefined, { integer: true, min: 1 });
    this.activation = readActivation(r, 'activation', 'tanh');
    this.useBias = r.bool('use_bias', true);
    this.kernelInitializer = readInitializer(r, 'kernel_initializer', 'glorot_uniform');
    this.recurrentInitializer = readInitializer(r, 'recurrent_initializer', 'orthogonal');
    this.biasInitializer = readInitializer(r, 'bias_initializer', 'zeros');
    this.kernelRegularizer = readRegularizer(r, 'kernel_regularizer');
    this.recurrentRegularizer = readRegularizer(r, 'recurrent_regularizer');
    this.biasRegularizer = readRegularizer(r, 'bias_regularizer');
    r.unsupported(UNSUPPORTED, what);
    this.returnSequences = r.bool('return_sequences', false);
    this.goBackwards = r.bool('go_backwards', false);
    this.unroll = r.bool('unroll', false);
    if (r.bool('return_state', false)) {
      r.fail(
        'return_state',
        `return_state=true is not supported (${what}): layers here have a single output; use return_sequences for every step's output`,
      );
    }
    if (r.bool('stateful', false))
      r.fail('stateful', `stateful=true is not supported (${what}): the state starts at zero for every batch`);
    if (r.bool('time_major', false))
      r.fail('time_major', `time_major=true is not supported (${what}): input must be [batch, timesteps, features]`);
    for (const key of ['dropout', 'recurrent_dropout']) {
      if (r.number(key, 0, { min: 0, max: 1 }) > 0)
        r.fail(key, `${key} > 0 is not supported yet (${what}); set it to 0`);
    }
    // Keras 2's choice of kernel fusion (0/1/2) and Keras 3's use_cudnn only change speed.
    const impl = r.config.implementation;
    if (impl !== undefined && impl !== null && impl !== 0 && impl !== 1 && impl !== 2)
      r.fail('implementation', `implementation must be 1 or 2, got ${JSON.stringify(impl)}`);
  }

  /** [timesteps, features]; throws SPEC_SHAPE_MISMATCH unless the input is [batch, T, F] with both known. */
  protected inputDims(inputShape: SymbolicShape): [number, number] {
    const [, steps, features] = inputShape;
    if (inputShape.length !== 3 || steps === null || features === null || steps < 1) {
      this.shapeError(
        `${this.className} expects input of rank 3, [batch, timesteps, features], with known timesteps ≥ 1 and features`,
        inputShape,
      );
    }
    return [steps, features];
  }

  override computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    const [steps] = this.inputDims(inputShape);
    return this.returnSequences ? [inputShape[0], steps, this.units] : [inputShape[0], this.units];
  }

  override countParams(inputShape: SymbolicShape): number {
    const [, features] = this.inputDims(inputShape);
    const width = this.gates * this.units;
    return width * (features + this.units) + (this.useBias ? width : 0);
  }

  /** The initial bias values (LSTM overrides it for unit_forget_bias). */
  protected initialBias(rng: Rng): Float32Array {
    return initialize(this.biasInitializer, [this.gates * this.units], rng);
  }

  override build(inputShape: SymbolicShape, rng: Rng): void {
    const [, features] = this.inputDims(inputShape);
    const width = this.gates * this.units;
    const kernel = [features, width];
    const recurrent = [this.units, width];
    this.weights = [
      new Tensor(initialize(this.kernelInitializer, kernel, rng), kernel, true),
      new Tensor(initialize(this.recurrentInitializer, recurrent, rng), recurrent, true),
    ];
    if (this.useBias) this.weights.push(new Tensor(this.initialBias(rng), [width], true));
    this.built = true;
  }

  /**
   * Runs the cell over the per-step inputs (x_t·kernel + bias, [B, gates·units], in processing
   * order) from a zero state; returns h for every step.
   */
  protected abstract scan(inputs: readonly Tensor[], recurrentKernel: Tensor): Tensor[];

  override call(x: Tensor, _args: CallArgs): Tensor {
    const [kernel, recurrentKernel, bias] = this.weights;
    const [batch, steps, features] = x.shape;
    // Time-major, so that every step's slice is one contiguous block.
    let xw = matmul(reshape(transpose(x, [1, 0, 2]), [steps * batch, features]), kernel);
    if (bias) xw = add(xw, bias);
    const inputs = unstackTime(reshape(xw, [steps, batch, this.gates * this.units]));
    // Keras's go_backwards reverses the input and leaves the outputs in processing order.
    if (this.goBackwards) inputs.reverse();
    const outputs = this.scan(inputs, recurrentKernel);
    // With one step and a linear activation, h is a view of xw; callers expect a packed tensor.
    return this.returnSequences ? stack(outputs, 1) : outputs[outputs.length - 1].contiguous();
  }

  /** Kernel, recurrent-kernel and bias penalties; only while the layer is trainable. */
  regularizationLoss(): Tensor | null {
    if (!this.trainable) return null;
    const [kernel, recurrent, bias] = this.weights;
    return penalties([
      [this.kernelRegularizer, kernel],
      [this.recurrentRegularizer, recurrent],
      [this.biasRegularizer, bias],
    ]);
  }

  override weightNames(): string[] {
    return this.useBias ? ['kernel', 'recurrent_kernel', 'bias'] : ['kernel', 'recurrent_kernel'];
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      return_sequences: this.returnSequences,
      return_state: false,
      go_backwards: this.goBackwards,
      stateful: false,
      unroll: this.unroll,
      units: this.units,
      activation: this.activation,
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      recurrent_initializer: serializeInitializer(this.recurrentInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      kernel_regularizer: serializeRegularizer(this.kernelRegularizer),
      recurrent_regularizer: serializeRegularizer(this.recurrentRegularizer),
      bias_regularizer: serializeRegularizer(this.biasRegularizer),
      activity_regularizer: null,
      kernel_constraint: null,
      recurrent_constraint: null,
      bias_constraint: null,
      dropout: 0,
      recurrent_dropout: 0,
    };
  }
}
