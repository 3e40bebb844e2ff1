import { gather, Tensor, type Rng } from '@trainyard/tensor';
import type { ConfigReader, JsonObject } from '../config/reader.js';
import { NnError } from '../errors.js';
import { initialize, readInitializer, serializeInitializer, type InitializerSpec } from '../initializers.js';
import { Layer, readBaseArgs, type CallArgs, type SymbolicShape } from './layer.js';

const UNSUPPORTED = ['embeddings_regularizer', 'activity_regularizer', 'embeddings_constraint', 'lora_rank'];

/** Looks up rows of `embeddings` [input_dim, output_dim] for integer indices given as float input: [..., L] → [..., L, output_dim]. */
export class Embedding extends Layer {
  readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly embeddingsInitializer: InitializerSpec;
  /** Keras 2 / TF.js `input_length` (removed in Keras 3): when set, the sequence length it must equal. */
  readonly inputLength: number | null;

  constructor(r: ConfigReader, name: string) {
    super(readBaseArgs(r, name));
    this.inputDim = r.number('input_dim', undefined, { integer: true, min: 1 });
    this.outputDim = r.number('output_dim', undefined, { integer: true, min: 1 });
    this.embeddingsInitializer = readInitializer(r, 'embeddings_initializer', 'uniform');
    // Masking needs mask propagation through every later layer, which we do not have.
    if (r.bool('mask_zero', false))
      r.fail(
        'mask_zero',
        'mask_zero=true is not supported (no mask propagation); drop it and let index 0 be an ordinary token',
      );
    if (r.has('sparse') && r.config.sparse !== false) r.fail('sparse', 'sparse embeddings are not supported');
    const len = r.config.input_length;
    // Keras 2 also accepts a one-element list here.
    const l = Array.isArray(len) && len.length === 1 ? len[0] : len;
    if (l !== undefined && l !== null && !(Number.isSafeInteger(l) && (l as number) > 0))
      r.fail('input_length', `input_length must be a positive integer or null, got ${JSON.stringify(len)}`);
    this.inputLength = (l ?? null) as number | null;
    r.unsupported(UNSUPPORTED, 'Embedding');
  }

  override computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    if (inputShape.length < 2) this.shapeError('Embedding expects index input of rank ≥ 2, [batch, ...]', inputShape);
    if (this.inputLength !== null && inputShape[inputShape.length - 1] !== this.inputLength) {
      this.shapeError(
        `Embedding with input_length ${this.inputLength} expects input [null, ${this.inputLength}]`,
        inputShape,
      );
    }
    return [...inputShape, this.outputDim];
  }

  override countParams(_inputShape: SymbolicShape): number {
    return this.inputDim * this.outputDim;
  }

  override build(_inputShape: SymbolicShape, rng: Rng): void {
    const shape = [this.inputDim, this.outputDim];
    this.weights = [new Tensor(initialize(this.embeddingsInitializer, shape, rng), shape, true)];
    this.built = true;
  }

  override weightNames(): string[] {
    return ['embeddings'];
  }

  override call(x: Tensor, _args: CallArgs): Tensor {
    const idx = x.dataSync();
    for (let i = 0; i < idx.length; i++) {
      const v = idx[i];
      if (!Number.isInteger(v) || v < 0 || v >= this.inputDim) {
        throw new NnError(
          'SPEC_INCOMPATIBLE_TARGETS',
          `layer "${this.name}": Embedding input must hold integer indices in [0, ${this.inputDim}), got ${v}`,
          { layer: this.name },
        );
      }
    }
    return gather(this.weights[0], x);
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      input_dim: this.inputDim,
      output_dim: this.outputDim,
      embeddings_initializer: serializeInitializer(this.embeddingsInitializer),
      embeddings_regularizer: null,
      activity_regularizer: null,
      embeddings_constraint: null,
      mask_zero: false,
      input_length: this.inputLength,
    };
  }
}
