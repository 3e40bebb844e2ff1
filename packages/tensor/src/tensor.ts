import { TensorError } from './errors.js';
import { runBackward } from './autograd/engine.js';
import { formatShape, sizeOf, stridesOf, type Shape } from './shape.js';

/** Returns one gradient per parent (null where a parent needs none), given the output gradient. */
export type BackwardFn = (grad: Float32Array) => (Float32Array | null)[];

/** Nested number arrays as returned by `toArray()`. */
export type NestedArray = number | NestedArray[];

const NO_PARENTS: Tensor[] = [];

/**
 * A dense, contiguous, row-major float32 tensor that records the op that produced it so that
 * `backward()` can run reverse-mode autodiff.
 */
export class Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly size: number;
  readonly ndim: number;
  readonly dtype = 'float32' as const;
  requiresGrad: boolean;
  grad: Tensor | null = null;
  /** @internal Graph edges; emptied after backward so the graph can be collected. */
  _parents: Tensor[] = NO_PARENTS;
  /** @internal */
  _backward: BackwardFn | null = null;
  /** @internal Name of the producing op; '' for leaves. */
  _op = '';

  constructor(data: Float32Array, shape: Shape, requiresGrad = false) {
    const size = sizeOf(shape);
    if (data.length !== size) {
      throw new TensorError('TENSOR_INVALID_DATA', `${data.length} values do not fill shape ${formatShape(shape)}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze(stridesOf(shape));
    this.size = size;
    this.ndim = shape.length;
    this.requiresGrad = requiresGrad;
  }

  /** True for tensors created by the user rather than by an op. */
  get isLeaf(): boolean {
    return this._op === '';
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new TensorError('TENSOR_NOT_SCALAR', `item() needs one element, shape is ${formatShape(this.shape)}`);
    }
    return this.data[0];
  }

  /** A copy of the values, contiguous in row-major order. */
  dataSync(): Float32Array {
    return this.data.slice();
  }

  /** The values as nested arrays (a plain number for a scalar). */
  toArray(): NestedArray {
    if (this.ndim === 0) return this.data[0];
    const build = (axis: number, offset: number): NestedArray[] => {
      const n = this.shape[axis];
      const out = new Array<NestedArray>(n);
      const stride = this.strides[axis];
      for (let i = 0; i < n; i++) {
        out[i] = axis === this.ndim - 1 ? this.data[offset + i] : build(axis + 1, offset + i * stride);
      }
      return out;
    };
    return build(0, 0);
  }

  /** Back-propagates from this tensor (a scalar unless `grad` is given) into the leaves' `.grad`. */
  backward(grad?: Tensor): void {
    runBackward(this, grad);
  }

  /** A leaf tensor sharing this tensor's values, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, false);
  }

  /** Zeroes `.grad` in place (keeps its buffer for the next step). */
  zeroGrad(): void {
    if (this.grad) this.grad.data.fill(0);
  }

  /** @internal Adds `g` into `.grad`, allocating it on first use. */
  _accumulateGrad(g: Float32Array): void {
    if (this.grad === null) {
      this.grad = new Tensor(g.slice(), this.shape);
      return;
    }
    const dst = this.grad.data;
    for (let i = 0; i < dst.length; i++) dst[i] += g[i];
  }

  /** @internal Drops graph references after backward. */
  _release(): void {
    this._parents = NO_PARENTS;
    this._backward = null;
  }

  toString(): string {
    return `Tensor(${formatShape(this.shape)})`;
  }
}
