export { DATA_ERRORS, DataError, type DataErrorCode } from './errors.js';
export type { Dataset, NdArray } from './types.js';
export {
  BUILTINS,
  validateBuiltinOptions,
  type BuiltinInfo,
  type BuiltinOption,
  type SyntheticName,
} from './builtins.js';
export { synthetic, type SyntheticOptions } from './synthetic.js';
export { loadBuiltin, type DataEnv } from './load.js';
export { fromInline, INLINE_LIMITS, type InlineLimits } from './inline.js';
export { inflateIdx, parseIdx, type IdxArray } from './idx.js';
export { FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, FASHION_MNIST_FILES, loadFashionMnist } from './fashion-mnist.js';
export { CLASSIC_DIR, loadClassic, type ClassicName } from './classic.js';
export { fromArrays, isOneHot, MAX_CLASSES, splitTest, type ArrayOptions, type RawArray } from './arrays.js';
export { csvRows, parseCsv, type CsvDataset, type CsvOptions } from './csv.js';
export { encodeNpy, parseNpy, type NpyArray, type NpyDtype } from './npy.js';
export { fromJsonData } from './json-data.js';
export { arrayFormat, parseArrayFile, readArrayFile, type ArrayFormat } from './upload.js';
