import { add, matmul, reshape, Tensor, type Rng } from '@trainyard/tensor';
import { ACTIVATIONS, activationName } from '../activations.js';
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
const UNSUPPORTED = ['activity_regularizer', 'kernel_constraint', 'bias_constraint', 'lora_rank'];

/** Largest weight we allocate (float32 elements); bigger specs are rejected, not attempted. */
export const MAX_WEIGHT_SIZE = 2 ** 28;

/** Fully connected layer: y = activation(x·kernel + bias), kernel [in, units]; rank > 2 contracts the last axis. */
export class Dense extends Layer implements Regularized {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: string;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerSpec;
  readonly biasInitializer: InitializerSpec;
  readonly kernelRegularizer: RegularizerSpec | null;
  readonly biasRegularizer: RegularizerSpec | null;

  constructor(r: ConfigReader, name: string) {
    super(readBaseArgs(r, name));
    this.units = r.number('units', undefined, { integer: true, min: 1 });
    const act = activationName(r.config.activation);
    if (act === undefined)
      r.fail('activation', `unknown activation ${JSON.stringify(r.config.activation)}`, 'SPEC_UNKNOWN_ACTIVATION');
    this.activation = act;
    this.useBias = r.bool('use_bias', true);
    this.kernelInitializer = readInitializer(r, 'kernel_initializer', 'glorot_uniform');
    this.biasInitializer = readInitializer(r, 'bias_initializer', 'zeros');
    this.kernelRegularizer = readRegularizer(r, 'kernel_regularizer');
    this.biasRegularizer = readRegularizer(r, 'bias_regularizer');
    r.unsupported(UNSUPPORTED, 'Dense');
  }

  private inputDim(inputShape: SymbolicShape): number {
    const last = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || last === null)
      this.shapeError('Dense expects an input of rank ≥ 2 with a known last axis', inputShape);
    return last;
  }

  override computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.inputDim(inputShape);
    return [...inputShape.slice(0, -1), this.units];
  }

  override countParams(inputShape: SymbolicShape): number {
    return this.inputDim(inputShape) * this.units + (this.useBias ? this.units : 0);
  }

  override build(inputShape: SymbolicShape, rng: Rng): void {
    const kernelShape = [this.inputDim(inputShape), this.units];
    this.weights = [new Tensor(initialize(this.kernelInitializer, kernelShape, rng), kernelShape, true)];
    if (this.useBias)
      this.weights.push(new Tensor(initialize(this.biasInitializer, [this.units], rng), [this.units], true));
    this.built = true;
  }

  /** x·kernel + bias, before the activation (the fused softmax-crossentropy path starts here). */
  callLinear(x: Tensor): Tensor {
    const [kernel, bias] = this.weights;
    const flat = x.ndim === 2 ? x : reshape(x, [-1, x.shape[x.ndim - 1]]);
    let y = matmul(flat, kernel);
    if (bias) y = add(y, bias);
    return x.ndim === 2 ? y : reshape(y, [...x.shape.slice(0, -1), this.units]);
  }

  override call(x: Tensor, _args: CallArgs): Tensor {
    return ACTIVATIONS[this.activation](this.callLinear(x));
  }

  /** Kernel and bias penalties (Keras adds them to the loss); only while the layer is trainable. */
  regularizationLoss(): Tensor | null {
    if (!this.trainable) return null;
    const [kernel, bias] = this.weights;
    return penalties([
      [this.kernelRegularizer, kernel],
      [this.biasRegularizer, bias],
    ]);
  }

  override weightNames(): string[] {
    return this.useBias ? ['kernel', 'bias'] : ['kernel'];
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      kernel_regularizer: serializeRegularizer(this.kernelRegularizer),
      bias_regularizer: serializeRegularizer(this.biasRegularizer),
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    };
  }
}
