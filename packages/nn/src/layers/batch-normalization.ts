import { add, mean, mul, reshape, rsqrt, sub, Tensor, variance, type Rng } from '@trainyard/tensor';
import type { ConfigReader, JsonObject } from '../config/reader.js';
import { initialize, readInitializer, serializeInitializer, type InitializerSpec } from '../initializers.js';
import { Layer, readBaseArgs, type CallArgs, type SymbolicShape } from './layer.js';

// Features that would change training silently if ignored.
const UNSUPPORTED = [
  'beta_regularizer',
  'gamma_regularizer',
  'beta_constraint',
  'gamma_constraint',
  'renorm',
  'virtual_batch_size',
  'adjustment',
];

/**
 * Keras BatchNormalization over one feature axis. Training normalises with the batch moments and
 * moves `moving_* ← moving_*·momentum + batch·(1 − momentum)` (biased batch variance, as Keras 3
 * and TF.js); inference uses the moving statistics. gamma/beta are trainable, the moving stats not.
 */
export class BatchNormalization extends Layer {
  readonly className = 'BatchNormalization';
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly betaInitializer: InitializerSpec;
  readonly gammaInitializer: InitializerSpec;
  readonly movingMeanInitializer: InitializerSpec;
  readonly movingVarianceInitializer: InitializerSpec;
  private featureAxis = -1;

  constructor(r: ConfigReader, name: string) {
    super(readBaseArgs(r, name));
    // Keras 2 writes the built layer's axis as a one-element list, e.g. [3].
    const axis = r.config.axis ?? -1;
    const a = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
    if (!Number.isSafeInteger(a))
      r.fail(
        'axis',
        `axis must be one integer (normalising over several axes is not supported), got ${JSON.stringify(axis)}`,
      );
    this.axis = a as number;
    this.momentum = r.number('momentum', 0.99, { min: 0, max: 1 });
    this.epsilon = r.number('epsilon', 1e-3, { above: 0 });
    this.center = r.bool('center', true);
    this.scale = r.bool('scale', true);
    this.betaInitializer = readInitializer(r, 'beta_initializer', 'zeros');
    this.gammaInitializer = readInitializer(r, 'gamma_initializer', 'ones');
    this.movingMeanInitializer = readInitializer(r, 'moving_mean_initializer', 'zeros');
    this.movingVarianceInitializer = readInitializer(r, 'moving_variance_initializer', 'ones');
    r.unsupported(UNSUPPORTED, 'BatchNormalization');
  }

  // The resolved (non-negative) feature axis and its size.
  private features(inputShape: SymbolicShape): [axis: number, size: number] {
    const ax = this.axis < 0 ? this.axis + inputShape.length : this.axis;
    if (ax < 1 || ax >= inputShape.length)
      this.shapeError(`BatchNormalization axis ${this.axis} is not a feature axis of the input`, inputShape);
    const size = inputShape[ax];
    if (size === null)
      this.shapeError(`BatchNormalization needs axis ${this.axis} of the input to be known`, inputShape);
    return [ax, size];
  }

  override computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.features(inputShape);
    return [...inputShape];
  }

  override countParams(inputShape: SymbolicShape): number {
    // Keras's summary counts the non-trainable moving statistics too.
    return this.features(inputShape)[1] * (2 + Number(this.center) + Number(this.scale));
  }

  override build(inputShape: SymbolicShape, rng: Rng): void {
    const [ax, c] = this.features(inputShape);
    this.featureAxis = ax;
    const make = (spec: InitializerSpec, trainable: boolean): Tensor =>
      new Tensor(initialize(spec, [c], rng), [c], trainable);
    this.weights = [];
    if (this.scale) this.weights.push(make(this.gammaInitializer, true));
    if (this.center) this.weights.push(make(this.betaInitializer, true));
    this.weights.push(make(this.movingMeanInitializer, false), make(this.movingVarianceInitializer, false));
    this.built = true;
  }

  override weightNames(): string[] {
    return [...(this.scale ? ['gamma'] : []), ...(this.center ? ['beta'] : []), 'moving_mean', 'moving_variance'];
  }

  /** The moving mean and variance (non-trainable; updated in place by training calls). */
  get movingStats(): [Tensor, Tensor] {
    const n = this.weights.length;
    return [this.weights[n - 2], this.weights[n - 1]];
  }

  override call(x: Tensor, args: CallArgs): Tensor {
    const ax = this.featureAxis;
    // [C] parameters broadcast against x along the feature axis.
    const bshape = x.shape.map((d, i) => (i === ax ? d : 1));
    const b = (t: Tensor): Tensor => (ax === x.ndim - 1 ? t : reshape(t, bshape));
    const [movingMean, movingVar] = this.movingStats;
    let y: Tensor;
    // A frozen BatchNormalization runs in inference mode even inside fit, as in Keras 2.1+.
    if (args.training && this.trainable) {
      const axes = x.shape.map((_, i) => i).filter((i) => i !== ax);
      const m = mean(x, axes, true);
      const v = variance(x, axes, true);
      y = mul(sub(x, m), rsqrt(add(v, this.epsilon)));
      this.updateMoving(movingMean.data, m.dataSync());
      this.updateMoving(movingVar.data, v.dataSync());
    } else {
      y = mul(sub(x, b(movingMean)), b(rsqrt(add(movingVar, this.epsilon))));
    }
    let i = 0;
    if (this.scale) y = mul(y, b(this.weights[i++]));
    if (this.center) y = add(y, b(this.weights[i++]));
    return y;
  }

  private updateMoving(moving: Float32Array, batch: ArrayLike<number>): void {
    for (let k = 0; k < moving.length; k++) moving[k] = moving[k] * this.momentum + batch[k] * (1 - this.momentum);
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: serializeInitializer(this.betaInitializer),
      gamma_initializer: serializeInitializer(this.gammaInitializer),
      moving_mean_initializer: serializeInitializer(this.movingMeanInitializer),
      moving_variance_initializer: serializeInitializer(this.movingVarianceInitializer),
      beta_regularizer: null,
      gamma_regularizer: null,
      beta_constraint: null,
      gamma_constraint: null,
    };
  }
}
