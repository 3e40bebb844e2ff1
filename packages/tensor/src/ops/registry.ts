import type { Tensor } from '../tensor.js';
import { abs } from './abs.js';
import { add } from './add.js';
import { avgPool2d } from './avg-pool2d.js';
import { argmax } from './argmax.js';
import { clip } from './clip.js';
import { conv2d } from './conv2d.js';
import { depthwiseConv2d } from './depthwise-conv2d.js';
import { div } from './div.js';
import { exp } from './exp.js';
import { gather } from './gather.js';
import { globalAvgPool2d, globalMaxPool2d } from './global-pool.js';
import { log } from './log.js';
import { matmul } from './matmul.js';
import { max } from './max.js';
import { maxPool2d } from './max-pool2d.js';
import { maximum } from './maximum.js';
import { mean } from './mean.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { oneHot } from './one-hot.js';
import { relu } from './relu.js';
import { reshape } from './reshape.js';
import { sigmoid } from './sigmoid.js';
import { logSoftmax, softmax } from './softmax.js';
import { sqrt } from './sqrt.js';
import { square } from './square.js';
import { stopGradient } from './stop-gradient.js';
import { sub } from './sub.js';
import { sum } from './sum.js';
import { tanh } from './tanh.js';
import { transpose } from './transpose.js';
import { broadcastTo } from './broadcast-to.js';
import { concat } from './concat.js';
import { contiguous } from './contiguous.js';
import { expandDims } from './expand-dims.js';
import { flatten } from './flatten.js';
import { pad } from './pad.js';
import { slice } from './slice.js';
import { split } from './split.js';
import { squeeze } from './squeeze.js';
import { stack } from './stack.js';
import { tile } from './tile.js';
import { equal, greater, greaterEqual, less, lessEqual, notEqual } from './compare.js';
import { argmin } from './argmin.js';
import { dot } from './dot.js';
import { elu } from './elu.js';
import { gelu } from './gelu.js';
import { leakyRelu } from './leaky-relu.js';
import { log1p } from './log1p.js';
import { logSumExp } from './logsumexp.js';
import { min } from './min.js';
import { minimum } from './minimum.js';
import { outer } from './outer.js';
import { pow } from './pow.js';
import { prod } from './prod.js';
import { rsqrt } from './rsqrt.js';
import { selu } from './selu.js';
import { softplus } from './softplus.js';
import { tensordot } from './tensordot.js';
import { variance } from './variance.js';
import { where } from './where.js';

/** One registered op: primitives carry their own backward; composites are built from primitives. */
export interface OpInfo {
  readonly name: string;
  readonly kind: 'primitive' | 'composite';
  readonly differentiable: boolean;
  readonly fn: (...args: never[]) => Tensor | Tensor[];
}

const primitive = (name: string, fn: OpInfo['fn']): OpInfo => ({ name, kind: 'primitive', differentiable: true, fn });
const composite = (name: string, fn: OpInfo['fn']): OpInfo => ({ name, kind: 'composite', differentiable: true, fn });
const constant = (name: string, fn: OpInfo['fn']): OpInfo => ({ name, kind: 'primitive', differentiable: false, fn });

/** Every op of the package; the registry test gradient-checks each differentiable one. */
export const OP_REGISTRY: readonly OpInfo[] = [
  primitive('add', add),
  primitive('sub', sub),
  primitive('mul', mul),
  primitive('div', div),
  primitive('maximum', maximum),
  primitive('neg', neg),
  primitive('exp', exp),
  primitive('log', log),
  primitive('relu', relu),
  primitive('sigmoid', sigmoid),
  primitive('tanh', tanh),
  primitive('square', square),
  primitive('sqrt', sqrt),
  primitive('abs', abs),
  primitive('clip', clip),
  primitive('matmul', matmul),
  primitive('reshape', reshape),
  primitive('transpose', transpose),
  primitive('sum', sum),
  primitive('max', max),
  primitive('gather', gather),
  primitive('slice', slice),
  primitive('concat', concat),
  primitive('pad', pad),
  primitive('broadcastTo', broadcastTo),
  primitive('contiguous', contiguous),
  composite('stack', stack),
  composite('split', split),
  composite('tile', tile),
  composite('expandDims', expandDims),
  composite('squeeze', squeeze),
  composite('flatten', flatten),
  primitive('conv2d', conv2d),
  primitive('depthwiseConv2d', depthwiseConv2d),
  primitive('maxPool2d', maxPool2d),
  primitive('avgPool2d', avgPool2d),
  primitive('globalAvgPool2d', globalAvgPool2d),
  primitive('globalMaxPool2d', globalMaxPool2d),
  composite('mean', mean),
  composite('softmax', softmax),
  composite('logSoftmax', logSoftmax),
  constant('argmax', argmax),
  constant('oneHot', oneHot),
  constant('stopGradient', stopGradient),
  primitive('pow', pow),
  primitive('minimum', minimum),
  primitive('log1p', log1p),
  primitive('rsqrt', rsqrt),
  primitive('leakyRelu', leakyRelu),
  primitive('elu', elu),
  primitive('selu', selu),
  primitive('softplus', softplus),
  primitive('gelu', gelu),
  primitive('where', where),
  primitive('min', min),
  primitive('prod', prod),
  composite('variance', variance),
  composite('logSumExp', logSumExp),
  composite('dot', dot),
  composite('tensordot', tensordot),
  composite('outer', outer),
  constant('argmin', argmin),
  constant('equal', equal),
  constant('notEqual', notEqual),
  constant('less', less),
  constant('lessEqual', lessEqual),
  constant('greater', greater),
  constant('greaterEqual', greaterEqual),
];
