import { contiguous, formatShape, reshape, transpose, type Tensor } from '@trainyard/tensor';
import type { ConfigReader, JsonObject } from '../config/reader.js';
import { Layer, readBaseArgs, type CallArgs, type SymbolicShape } from './layer.js';

// Reads a non-empty list of integers; Keras writes tuples as JSON lists.
function readIntList(r: ConfigReader, key: string): number[] {
  const v = r.config[key];
  if (!Array.isArray(v) || v.length === 0 || !v.every((d) => Number.isSafeInteger(d)))
    r.fail(key, `${key} must be a non-empty list of integers, got ${JSON.stringify(v)}`);
  return v as number[];
}

/** Reshapes each sample to `target_shape` (no batch axis; one -1 is inferred), as Keras Reshape. */
export class Reshape extends Layer {
  readonly className = 'Reshape';
  readonly targetShape: number[];

  constructor(r: ConfigReader, name: string) {
    super(readBaseArgs(r, name));
    this.targetShape = readIntList(r, 'target_shape');
    if (this.targetShape.some((d) => d === 0 || d < -1))
      r.fail('target_shape', `target_shape entries must be positive or -1, got ${JSON.stringify(this.targetShape)}`);
    if (this.targetShape.filter((d) => d === -1).length > 1)
      r.fail('target_shape', `target_shape may contain only one -1, got ${JSON.stringify(this.targetShape)}`);
  }

  override computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    let size = 1;
    for (const d of inputShape.slice(1)) {
      if (d === null) this.shapeError('Reshape needs every non-batch axis known', inputShape);
      size *= d;
    }
    const known = this.targetShape.reduce((p, d) => (d === -1 ? p : p * d), 1);
    const hole = this.targetShape.indexOf(-1);
    const out = [...this.targetShape];
    if (hole >= 0 && size % known === 0) out[hole] = size / known;
    if (out.reduce((p, d) => p * d, 1) !== size) {
      this.shapeError(
        `Reshape cannot turn ${size} values per sample into target_shape ${formatShape(this.targetShape)}`,
        inputShape,
      );
    }
    return [inputShape[0], ...out];
  }

  override call(x: Tensor, _args: CallArgs): Tensor {
    return reshape(x, [x.shape[0], ...this.targetShape]);
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), target_shape: [...this.targetShape] };
  }
}

/** Permutes the non-batch axes; `dims` is 1-based as in Keras (Permute([2, 1]) swaps the two axes of each sample). */
export class Permute extends Layer {
  readonly className = 'Permute';
  readonly dims: number[];

  constructor(r: ConfigReader, name: string) {
    super(readBaseArgs(r, name));
    this.dims = readIntList(r, 'dims');
    const sorted = [...this.dims].sort((a, b) => a - b);
    if (!sorted.every((d, i) => d === i + 1))
      r.fail('dims', `dims must be a permutation of 1..${this.dims.length}, got ${JSON.stringify(this.dims)}`);
  }

  override computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    if (inputShape.length !== this.dims.length + 1) {
      this.shapeError(
        `Permute with dims ${formatShape(this.dims)} expects an input of rank ${this.dims.length + 1}`,
        inputShape,
      );
    }
    return [inputShape[0], ...this.dims.map((d) => inputShape[d])];
  }

  override call(x: Tensor, _args: CallArgs): Tensor {
    // transpose returns a strided view; later consumers (and predict) read packed data.
    return contiguous(transpose(x, [0, ...this.dims]));
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), dims: [...this.dims] };
  }
}
