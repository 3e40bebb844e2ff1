import { conv2d, formatShape, Tensor, type Rng } from '@trainyard/tensor';
import { ACTIVATIONS, activationName } from '../activations.js';
import type { ConfigReader, JsonObject } from '../config/reader.js';
import { initialize, readInitializer, serializeInitializer, type InitializerSpec } from '../initializers.js';
import { Layer, readBaseArgs, type CallArgs, type SymbolicShape } from './layer.js';
import { imageDims, readDataFormat, readInts, readPadding, windowOutSize } from './window.js';

// Anything that changes training silently if ignored must be rejected until implemented.
const UNSUPPORTED = [
  'kernel_regularizer',
  'bias_regularizer',
  'activity_regularizer',
  'kernel_constraint',
  'bias_constraint',
  'lora_rank',
];

/** 2-D convolution over NHWC input with an HWIO kernel [kh, kw, in, filters] (Keras Conv2D, channels_last). */
export class Conv2D extends Layer {
  readonly className = 'Conv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';
  readonly dataFormat: 'channels_last';
  readonly dilationRate: [number, number];
  readonly activation: string;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerSpec;
  readonly biasInitializer: InitializerSpec;

  constructor(r: ConfigReader, name: string) {
    super(readBaseArgs(r, name));
    this.filters = r.number('filters', undefined, { integer: true, min: 1 });
    this.kernelSize = readInts(r, 'kernel_size', undefined, 2) as [number, number];
    this.strides = readInts(r, 'strides', 1, 2) as [number, number];
    this.padding = readPadding(r);
    this.dataFormat = readDataFormat(r, 'Conv2D');
    this.dilationRate = readInts(r, 'dilation_rate', 1, 2) as [number, number];
    // TF rejects strides > 1 together with dilation > 1; so do we, rather than compute something else.
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1))
      r.fail('strides', 'strides > 1 cannot be combined with dilation_rate > 1');
    if (r.has('groups') && r.config.groups !== 1)
      r.fail('groups', 'groups other than 1 are not supported yet (Conv2D)');
    const act = activationName(r.config.activation);
    if (act === undefined)
      r.fail('activation', `unknown activation ${JSON.stringify(r.config.activation)}`, 'SPEC_UNKNOWN_ACTIVATION');
    this.activation = act;
    this.useBias = r.bool('use_bias', true);
    this.kernelInitializer = readInitializer(r, 'kernel_initializer', 'glorot_uniform');
    this.biasInitializer = readInitializer(r, 'bias_initializer', 'zeros');
    r.unsupported(UNSUPPORTED, 'Conv2D');
  }

  private inputDims(inputShape: SymbolicShape): [number, number, number] {
    const dims = imageDims(inputShape);
    if (!dims) this.shapeError('Conv2D expects NHWC input of rank 4, [batch, height, width, channels]', inputShape);
    return dims;
  }

  private kernelShape(inputShape: SymbolicShape): number[] {
    return [...this.kernelSize, this.inputDims(inputShape)[2], this.filters];
  }

  override computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    const [h, w] = this.inputDims(inputShape);
    const outH = windowOutSize(h, this.kernelSize[0], this.strides[0], this.dilationRate[0], this.padding);
    const outW = windowOutSize(w, this.kernelSize[1], this.strides[1], this.dilationRate[1], this.padding);
    if (outH <= 0 || outW <= 0) {
      const eff = this.kernelSize.map((k, i) => (k - 1) * this.dilationRate[i] + 1);
      this.shapeError(
        `Conv2D kernel ${formatShape(eff)} (dilated) does not fit with padding "valid": the output would be ${formatShape([inputShape[0], outH, outW, this.filters])}`,
        inputShape,
      );
    }
    return [inputShape[0], outH, outW, this.filters];
  }

  override countParams(inputShape: SymbolicShape): number {
    const [kh, kw, cin] = this.kernelShape(inputShape);
    return kh * kw * cin * this.filters + (this.useBias ? this.filters : 0);
  }

  override build(inputShape: SymbolicShape, rng: Rng): void {
    const shape = this.kernelShape(inputShape);
    this.weights = [new Tensor(initialize(this.kernelInitializer, shape, rng), shape, true)];
    if (this.useBias)
      this.weights.push(new Tensor(initialize(this.biasInitializer, [this.filters], rng), [this.filters], true));
    this.built = true;
  }

  override call(x: Tensor, _args: CallArgs): Tensor {
    const [kernel, bias] = this.weights;
    // The op adds the bias itself (in place), which saves a full-size intermediate per step.
    // relu runs inside the conv kernel (same values and gradients as the separate op, fewer passes).
    const relu = this.activation === 'relu';
    const y = conv2d(x, kernel, {
      strides: this.strides,
      padding: this.padding,
      dilations: this.dilationRate,
      bias,
      activation: relu ? 'relu' : undefined,
    });
    return relu ? y : ACTIVATIONS[this.activation](y);
  }

  override weightNames(): string[] {
    return this.useBias ? ['kernel', 'bias'] : ['kernel'];
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      groups: 1,
      activation: this.activation,
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    };
  }
}
