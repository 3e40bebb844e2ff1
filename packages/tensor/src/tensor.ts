import { TensorError } from './errors.js';
import { record, runBackward } from './autograd/engine.js';
import { isRowMajor, packStrided, viewExtent } from './layout.js';
import { formatShape, sizeOf, stridesOf, type Shape } from './shape.js';

/** Element types: float32 (differentiable) and int32 (indices, labels; never differentiable). */
export type DType = 'float32' | 'int32';

/** The typed array behind a tensor of dtype `D`. */
export type DataOf<D extends DType> = D extends 'int32' ? Int32Array : Float32Array;

/** Where a view's elements live in its buffer: element `i` is `data[offset + Σ i[k]·strides[k]]`. */
export interface Layout {
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Returns one gradient per parent (null where a parent needs none), given the output gradient. */
export type BackwardFn = (grad: Float32Array) => (Float32Array | null)[];

/** Nested number arrays as returned by `toArray()`. */
export type NestedArray = number | NestedArray[];

const NO_PARENTS: Tensor[] = [];

/** `new Tensor(data, shape)`: the dtype follows the array (Float32Array → `Tensor`, Int32Array → `Tensor<'int32'>`). */
export interface TensorConstructor {
  new (data: Int32Array, shape: Shape, requiresGrad?: boolean, layout?: Layout): Tensor<'int32'>;
  new (data: Float32Array, shape: Shape, requiresGrad?: boolean, layout?: Layout): Tensor;
  new <D extends DType>(data: DataOf<D>, shape: Shape, requiresGrad?: boolean, layout?: Layout): Tensor<D>;
  readonly prototype: Tensor<DType>;
}

/**
 * A dense tensor that records the op that produced it so that `backward()` can run reverse-mode
 * autodiff. `Tensor` alone means float32; `Tensor<'int32'>` holds an Int32Array.
 * A tensor may be a view (strides, offset) into another tensor's buffer; ops read it through
 * `contiguousData()`, and `.data` is then the whole shared buffer.
 */
class TensorImpl<D extends DType = 'float32'> {
  readonly data: DataOf<D>;
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  /** Index in `data` of the first element. */
  readonly offset: number;
  /** True when the elements are row-major and adjacent in `data` (possibly after an offset). */
  readonly isContiguous: boolean;
  readonly size: number;
  readonly ndim: number;
  requiresGrad: boolean;
  grad: Tensor | null = null;
  /** @internal True when `data` is exactly the row-major values: ops may read it as is. */
  readonly _packed: boolean;
  /** @internal Graph edges; emptied after backward so the graph can be collected. */
  _parents: Tensor[] = NO_PARENTS;
  /** @internal */
  _backward: BackwardFn | null = null;
  /** @internal Name of the producing op; '' for leaves. */
  _op = '';

  /** Wraps `data` without copying; `layout` makes the tensor a strided view of it. */
  constructor(data: DataOf<D>, shape: Shape, requiresGrad = false, layout?: Layout) {
    const size = sizeOf(shape);
    if (data instanceof Float32Array) this.dtype = 'float32' as D;
    else if (data instanceof Int32Array) this.dtype = 'int32' as D;
    else throw new TensorError('TENSOR_INVALID_DATA', 'tensor data must be a Float32Array or an Int32Array');
    if (requiresGrad && this.dtype !== 'float32') {
      throw new TensorError(
        'TENSOR_DTYPE_MISMATCH',
        `only float32 tensors can require grad, got ${this.dtype} ${formatShape(shape)}`,
      );
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.size = size;
    this.ndim = shape.length;
    this.requiresGrad = requiresGrad;
    if (layout === undefined) {
      // The hot path: a fresh row-major buffer.
      if (data.length !== size) {
        throw new TensorError('TENSOR_INVALID_DATA', `${data.length} values do not fill shape ${formatShape(shape)}`);
      }
      this.strides = Object.freeze(stridesOf(shape));
      this.offset = 0;
      this.isContiguous = true;
      this._packed = true;
      return;
    }
    const { strides, offset } = layout;
    if (strides.length !== shape.length || !strides.every(Number.isSafeInteger) || !Number.isSafeInteger(offset)) {
      throw new TensorError(
        'TENSOR_INVALID_DATA',
        `invalid strides [${strides.join(', ')}] for shape ${formatShape(shape)}`,
      );
    }
    if (size > 0) {
      const [lo, hi] = viewExtent(shape, strides, offset);
      if (lo < 0 || hi >= data.length) {
        throw new TensorError(
          'TENSOR_INVALID_DATA',
          `view ${formatShape(shape)} at offset ${offset} leaves its buffer of ${data.length} values`,
        );
      }
    }
    this.strides = Object.freeze([...strides]);
    this.offset = offset;
    this.isContiguous = isRowMajor(shape, strides);
    this._packed = this.isContiguous && offset === 0 && data.length === size;
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
    return this.data[this.offset];
  }

  /** A copy of the values, contiguous in row-major order. */
  dataSync(): DataOf<D> {
    if (this.isContiguous) return this.data.slice(this.offset, this.offset + this.size) as DataOf<D>;
    return packStrided(this.data, this.shape, this.strides, this.offset);
  }

  /** The values as nested arrays (a plain number for a scalar). */
  toArray(): NestedArray {
    if (this.ndim === 0) return this.data[this.offset];
    const build = (axis: number, offset: number): NestedArray[] => {
      const n = this.shape[axis];
      const out = new Array<NestedArray>(n);
      const stride = this.strides[axis];
      for (let i = 0; i < n; i++) {
        out[i] = axis === this.ndim - 1 ? this.data[offset + i * stride] : build(axis + 1, offset + i * stride);
      }
      return out;
    };
    return build(0, this.offset);
  }

  /**
   * This tensor in a fresh row-major buffer (differentiable; the gradient passes through).
   * Returns `this` when the buffer already is exactly that, as torch's `contiguous()` does.
   */
  contiguous(): Tensor<D> {
    if (this._packed) return this;
    const out = new Tensor<D>(this.dataSync(), this.shape);
    if (this.dtype === 'float32')
      record(out as Tensor<DType> as Tensor, 'contiguous', [this as Tensor<DType> as Tensor], (g) => [g]);
    return out;
  }

  /** Back-propagates from this tensor (a scalar unless `grad` is given) into the leaves' `.grad`. */
  backward(grad?: Tensor): void {
    runBackward(this as Tensor<DType> as Tensor, grad);
  }

  /** A leaf tensor sharing this tensor's values (and layout), cut from the graph. */
  detach(): Tensor<D> {
    return this._packed ? new Tensor(this.data, this.shape) : new Tensor(this.data, this.shape, false, this);
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
    return this.dtype === 'float32'
      ? `Tensor(${formatShape(this.shape)})`
      : `Tensor(${formatShape(this.shape)}, ${this.dtype})`;
  }
}

// A class cannot pick its type argument from a constructor argument, so the constructor is
// re-typed with overloads; at runtime `Tensor` is the class itself (instanceof works).
/** A dense tensor; `Tensor` is float32, `Tensor<'int32'>` int32. */
export type Tensor<D extends DType = 'float32'> = TensorImpl<D>;
export const Tensor = TensorImpl as TensorConstructor;
Object.defineProperty(Tensor, 'name', { value: 'Tensor' }); // stack traces and printing say Tensor
