export { DataError, type DataErrorCode } from './errors.js';
export type { Dataset, NdArray } from './types.js';
export { BUILTINS, validateBuiltinOptions, type BuiltinInfo, type BuiltinOption, type SyntheticName } from './builtins.js';
export { synthetic, type SyntheticOptions } from './synthetic.js';
export { loadBuiltin, type DataEnv } from './load.js';
export { fromInline, INLINE_LIMITS, type InlineLimits } from './inline.js';
export { parseIdx, type IdxArray } from './idx.js';
export { FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, FASHION_MNIST_FILES, loadFashionMnist } from './fashion-mnist.js';
export { CLASSIC_DIR, loadClassic, type ClassicName } from './classic.js';
