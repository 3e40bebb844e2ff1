import { add, concat, formatShape, maximum, minimum, mul, sub, type Tensor } from '@trainyard/tensor';
import type { ConfigReader, JsonObject } from '../config/reader.js';
import { Layer, readBaseArgs, type CallArgs, type SymbolicShape } from './layer.js';

/**
 * A layer of several inputs (Keras's `_Merge` family). The model graph calls `merge` with the
 * tensors of its inbound node; the single-input protocol methods exist only to reject misuse.
 */
export abstract class MergeLayer extends Layer {
  /** Fewest inputs the layer accepts (Subtract: exactly 2). */
  protected readonly minInputs: number = 2;
  protected readonly maxInputs: number = Infinity;

  /** Output shape for the inputs' shapes (batch axis included); throws SPEC_SHAPE_MISMATCH. */
  computeMergedShape(shapes: readonly SymbolicShape[]): (number | null)[] {
    if (shapes.length < this.minInputs || shapes.length > this.maxInputs) {
      const wanted = this.maxInputs === this.minInputs ? `exactly ${this.minInputs}` : `at least ${this.minInputs}`;
      this.shapeError(`${this.className} takes ${wanted} inputs, got ${shapes.length}`, shapes[0] ?? []);
    }
    return this.mergedShape(shapes);
  }

  protected abstract mergedShape(shapes: readonly SymbolicShape[]): (number | null)[];

  /** Applies the layer to its inputs, in inbound order. */
  abstract merge(xs: readonly Tensor[], args: CallArgs): Tensor;

  override computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    return this.computeMergedShape([inputShape]);
  }

  override call(x: Tensor, args: CallArgs): Tensor {
    return this.merge([x], args);
  }
}

const describe = (shapes: readonly SymbolicShape[]): string => shapes.map((s) => formatShape(s)).join(', ');

/** Elementwise merges: every input has the same shape (Keras broadcasts too; we ask for equal shapes). */
abstract class ElementwiseMerge extends MergeLayer {
  constructor(r: ConfigReader, name: string) {
    super(readBaseArgs(r, name));
  }

  protected abstract combine(a: Tensor, b: Tensor): Tensor;

  protected mergedShape(shapes: readonly SymbolicShape[]): (number | null)[] {
    const first = shapes[0];
    const same = shapes.every((s) => s.length === first.length && s.every((d, i) => i === 0 || d === first[i]));
    if (!same) this.shapeError(`${this.className} needs inputs of one shape, got ${describe(shapes)}`, first);
    return [...first];
  }

  override merge(xs: readonly Tensor[]): Tensor {
    let y = xs[0];
    for (let i = 1; i < xs.length; i++) y = this.combine(y, xs[i]);
    return y;
  }
}

/** Sum of its inputs. */
export class Add extends ElementwiseMerge {
  readonly className = 'Add';
  protected combine(a: Tensor, b: Tensor): Tensor {
    return add(a, b);
  }
}

/** First input minus the second. */
export class Subtract extends ElementwiseMerge {
  readonly className = 'Subtract';
  protected override readonly maxInputs = 2;
  protected combine(a: Tensor, b: Tensor): Tensor {
    return sub(a, b);
  }
}

/** Elementwise product of its inputs. */
export class Multiply extends ElementwiseMerge {
  readonly className = 'Multiply';
  protected combine(a: Tensor, b: Tensor): Tensor {
    return mul(a, b);
  }
}

/** Elementwise maximum of its inputs. */
export class Maximum extends ElementwiseMerge {
  readonly className = 'Maximum';
  protected combine(a: Tensor, b: Tensor): Tensor {
    return maximum(a, b);
  }
}

/** Elementwise minimum of its inputs. */
export class Minimum extends ElementwiseMerge {
  readonly className = 'Minimum';
  protected combine(a: Tensor, b: Tensor): Tensor {
    return minimum(a, b);
  }
}

/** Mean of its inputs. */
export class Average extends ElementwiseMerge {
  readonly className = 'Average';
  protected combine(a: Tensor, b: Tensor): Tensor {
    return add(a, b);
  }

  override merge(xs: readonly Tensor[]): Tensor {
    return mul(super.merge(xs), 1 / xs.length);
  }
}

/** Joins its inputs along `axis` (default -1, the channel axis); every other axis must agree. */
export class Concatenate extends MergeLayer {
  readonly className = 'Concatenate';
  readonly axis: number;

  constructor(r: ConfigReader, name: string) {
    super(readBaseArgs(r, name));
    this.axis = r.number('axis', -1, { integer: true });
  }

  protected mergedShape(shapes: readonly SymbolicShape[]): (number | null)[] {
    const rank = shapes[0].length;
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    if (axis < 1 || axis >= rank)
      this.shapeError(
        `Concatenate axis ${this.axis} is out of range for inputs of rank ${rank} (the batch axis cannot be joined)`,
        shapes[0],
      );
    const ok = shapes.every((s) => s.length === rank && s.every((d, i) => i === 0 || i === axis || d === shapes[0][i]));
    if (!ok)
      this.shapeError(
        `Concatenate needs inputs that agree on every axis but ${this.axis}, got ${describe(shapes)}`,
        shapes[0],
      );
    const out = [...shapes[0]];
    out[axis] = shapes.reduce((s, x) => s + (x[axis] as number), 0);
    return out;
  }

  override merge(xs: readonly Tensor[]): Tensor {
    return concat(xs, this.axis < 0 ? this.axis + xs[0].ndim : this.axis);
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), axis: this.axis };
  }
}
