import { formatShape, type Rng, type Tensor } from '@trainyard/tensor';
import type { ConfigReader, JsonObject } from '../config/reader.js';
import { NnError } from '../errors.js';

/** A symbolic shape: the batch axis (and only it) may be null. */
export type SymbolicShape = readonly (number | null)[];

/** Arguments of `Layer.call`. */
export interface CallArgs {
  training: boolean;
  /** Randomness for training-time layers (Dropout); seeded by fit. */
  rng?: Rng;
}

/** Base-layer fields every Keras layer config carries. */
export interface BaseLayerArgs {
  name: string;
  trainable: boolean;
}

/** Reads `name` and `trainable`; the name is already resolved by the model builder. */
export function readBaseArgs(r: ConfigReader, name: string): BaseLayerArgs {
  return { name, trainable: r.bool('trainable', true) };
}

/**
 * The layer protocol (tfjs-layers style): `build` creates weights from the input shape,
 * `call` runs the layer, `computeOutputShape` and `countParams` work without any weights so
 * specs can be checked cheaply.
 */
export abstract class Layer {
  abstract readonly className: string;
  readonly name: string;
  trainable: boolean;
  /** Weights in Keras order (e.g. kernel, bias), created by `build`. */
  weights: Tensor[] = [];
  built = false;

  constructor(args: BaseLayerArgs) {
    this.name = args.name;
    this.trainable = args.trainable;
  }

  /** Output shape for `inputShape` (batch axis included); throws SPEC_SHAPE_MISMATCH. */
  abstract computeOutputShape(inputShape: SymbolicShape): (number | null)[];

  /** Parameter count for `inputShape`, computed without allocating. */
  countParams(_inputShape: SymbolicShape): number {
    return 0;
  }

  /** Creates the weights for `inputShape`. */
  build(_inputShape: SymbolicShape, _rng: Rng): void {
    this.built = true;
  }

  /** Applies the layer. */
  abstract call(x: Tensor, args: CallArgs): Tensor;

  /** Weight names in `weights` order, e.g. ['kernel', 'bias']. */
  weightNames(): string[] {
    return [];
  }

  /** The Keras config with every default written out. */
  getConfig(): JsonObject {
    return { name: this.name, trainable: this.trainable, dtype: 'float32' };
  }

  /** Throws SPEC_SHAPE_MISMATCH; the model builder adds the layer's name, index and path. */
  protected shapeError(message: string, inputShape: SymbolicShape): never {
    throw new NnError('SPEC_SHAPE_MISMATCH', `${message}, got input shape ${formatShape(inputShape)}`);
  }
}
