export {
  Tensor,
  type BackwardFn,
  type DataOf,
  type DType,
  type Layout,
  type NestedArray,
  type TensorConstructor,
} from './tensor.js';
export { TENSOR_ERRORS, TensorError, type TensorErrorCode } from './errors.js';
export { broadcastShapes, formatShape, normalizeAxes, shapesEqual, sizeOf, stridesOf, type Shape } from './shape.js';
export {
  arange,
  eye,
  full,
  ones,
  randomNormal,
  randomUniform,
  scalar,
  tensor,
  truncatedNormal,
  zeros,
} from './creation.js';
export type { CreateOptions, FloatOptions, IntOptions, TensorData } from './creation.js';
export { Rng } from './random.js';
export { isGradEnabled, noGrad, record } from './autograd/engine.js';
export { gradcheck, type GradcheckOptions } from './autograd/gradcheck.js';
export { gemm, gemmEngine, gemmNN, gemmNT, gemmTN } from './kernels/gemm.js';
export { engineInfo, kernelMemoryBytes, setKernelMemoryLimit, setThreads, type EngineInfo } from './kernels/engine.js';
export { type Padding, type Pair } from './kernels/conv-geometry.js';
export { abs } from './ops/abs.js';
export { add } from './ops/add.js';
export { avgPool2d } from './ops/avg-pool2d.js';
export { argmax } from './ops/argmax.js';
export { clip } from './ops/clip.js';
export { conv2d, type Conv2dOptions } from './ops/conv2d.js';
export { depthwiseConv2d } from './ops/depthwise-conv2d.js';
export { div } from './ops/div.js';
export { exp } from './ops/exp.js';
export { gather } from './ops/gather.js';
export { globalAvgPool2d, globalMaxPool2d } from './ops/global-pool.js';
export { log } from './ops/log.js';
export { matmul } from './ops/matmul.js';
export { max } from './ops/max.js';
export { maxPool2d, type Pool2dOptions } from './ops/max-pool2d.js';
export { maximum } from './ops/maximum.js';
export { mean } from './ops/mean.js';
export { mul } from './ops/mul.js';
export { neg } from './ops/neg.js';
export { oneHot } from './ops/one-hot.js';
export { relu } from './ops/relu.js';
export { reshape } from './ops/reshape.js';
export { sigmoid } from './ops/sigmoid.js';
export { logSoftmax, softmax } from './ops/softmax.js';
export { sqrt } from './ops/sqrt.js';
export { square } from './ops/square.js';
export { stopGradient } from './ops/stop-gradient.js';
export { sub } from './ops/sub.js';
export { sum } from './ops/sum.js';
export { tanh } from './ops/tanh.js';
export { transpose } from './ops/transpose.js';
export { broadcastTo } from './ops/broadcast-to.js';
export { concat } from './ops/concat.js';
export { contiguous } from './ops/contiguous.js';
export { expandDims } from './ops/expand-dims.js';
export { flatten } from './ops/flatten.js';
export { type Indices } from './ops/gather.js';
export { pad } from './ops/pad.js';
export { parseSlice, slice, type SliceItem, type SliceRange, type SliceSpec } from './ops/slice.js';
export { split } from './ops/split.js';
export { squeeze } from './ops/squeeze.js';
export { stack } from './ops/stack.js';
export { tile } from './ops/tile.js';
export { argmin } from './ops/argmin.js';
export { equal, greater, greaterEqual, less, lessEqual, notEqual } from './ops/compare.js';
export { dot } from './ops/dot.js';
export { elu } from './ops/elu.js';
export { erf, gelu } from './ops/gelu.js';
export { leakyRelu } from './ops/leaky-relu.js';
export { log1p } from './ops/log1p.js';
export { logSumExp } from './ops/logsumexp.js';
export { min } from './ops/min.js';
export { minimum } from './ops/minimum.js';
export { outer } from './ops/outer.js';
export { pow } from './ops/pow.js';
export { prod } from './ops/prod.js';
export { rsqrt } from './ops/rsqrt.js';
export { selu } from './ops/selu.js';
export { softplus } from './ops/softplus.js';
export { tensordot, type TensordotAxes } from './ops/tensordot.js';
export { variance } from './ops/variance.js';
export { where } from './ops/where.js';
export { OP_REGISTRY, type OpInfo } from './ops/registry.js';
export { contiguousData } from './ops/util.js';
export type { TensorLike } from './ops/util.js';
