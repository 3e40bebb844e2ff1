import { CodedError, refused, type ErrorCatalogue } from '@trainyard/contracts/errors';

/** The codes @trainyard/tensor raises, all the caller's doing (a bad shape, argument or size): 400. */
export const TENSOR_ERRORS = {
  TENSOR_SHAPE_MISMATCH: refused(400),
  TENSOR_DTYPE_MISMATCH: refused(400),
  TENSOR_INVALID_SHAPE: refused(400),
  TENSOR_INVALID_DATA: refused(400),
  TENSOR_INVALID_AXIS: refused(400),
  TENSOR_INVALID_SLICE: refused(400),
  TENSOR_INDEX_OUT_OF_RANGE: refused(400),
  TENSOR_INVALID_ARGUMENT: refused(400),
  TENSOR_NOT_SCALAR: refused(400),
  TENSOR_NO_GRAD: refused(400),
  /** The kernels' WebAssembly memory would pass its limit: the job is too big for its worker. */
  TENSOR_MEMORY_LIMIT: refused(400),
} as const satisfies ErrorCatalogue;
export type TensorErrorCode = keyof typeof TENSOR_ERRORS;

/** A typed tensor error; the message starts with the code, e.g. `TENSOR_SHAPE_MISMATCH: cannot broadcast [3] with [4]`. */
export class TensorError extends CodedError<TensorErrorCode> {
  constructor(code: TensorErrorCode, message: string) {
    super(code, `${code}: ${message}`, TENSOR_ERRORS[code]);
  }
}
