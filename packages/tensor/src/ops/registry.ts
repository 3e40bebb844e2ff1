import type { Tensor } from '../tensor.js';
import { abs } from './abs.js';
import { add } from './add.js';
import { argmax } from './argmax.js';
import { clip } from './clip.js';
import { div } from './div.js';
import { exp } from './exp.js';
import { gather } from './gather.js';
import { log } from './log.js';
import { matmul } from './matmul.js';
import { max } from './max.js';
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

/** One registered op: primitives carry their own backward; composites are built from primitives. */
export interface OpInfo {
  readonly name: string;
  readonly kind: 'primitive' | 'composite';
  readonly differentiable: boolean;
  readonly fn: (...args: never[]) => Tensor;
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
  composite('mean', mean),
  composite('softmax', softmax),
  composite('logSoftmax', logSoftmax),
  constant('argmax', argmax),
  constant('oneHot', oneHot),
  constant('stopGradient', stopGradient),
];
