/** Error codes raised by @trainyard/tensor. */
export type TensorErrorCode =
  | 'TENSOR_SHAPE_MISMATCH'
  | 'TENSOR_DTYPE_MISMATCH'
  | 'TENSOR_INVALID_SHAPE'
  | 'TENSOR_INVALID_DATA'
  | 'TENSOR_INVALID_AXIS'
  | 'TENSOR_INVALID_SLICE'
  | 'TENSOR_INDEX_OUT_OF_RANGE'
  | 'TENSOR_INVALID_ARGUMENT'
  | 'TENSOR_NOT_SCALAR'
  | 'TENSOR_NO_GRAD'
  | 'TENSOR_MEMORY_LIMIT';

/** A typed tensor error; the message starts with the code, e.g. `TENSOR_SHAPE_MISMATCH: cannot broadcast [3] with [4]`. */
export class TensorError extends Error {
  readonly code: TensorErrorCode;

  constructor(code: TensorErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'TensorError';
    this.code = code;
    // Keeps instanceof working even if a consumer down-levels classes to ES5.
    Object.setPrototypeOf(this, new.target.prototype);
  }
}
