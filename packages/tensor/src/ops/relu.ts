import { record } from '../autograd/engine.js';
import { gradBuffer } from '../autograd/grad-pool.js';
import { Tensor } from '../tensor.js';
import { asTensor, contiguousData, type TensorLike } from './util.js';

// The float's bits as int32, to select values with a mask instead of a branch.
const bitsOf = (a: Float32Array): Int32Array => new Int32Array(a.buffer, a.byteOffset, a.length);

/** max(x, 0); the gradient at 0 is 0 (as TF). */
export function relu(input: TensorLike): Tensor {
  // Plain loops rather than unaryOp (whose per-element call V8 cannot inline), and branch-free:
  // activation signs are close to random, so `x > 0 ? x : 0` mispredicted half the time and
  // ran ~7× slower. `bits & -(x > 0)` keeps x's bits when x > 0 and gives +0 otherwise
  // (NaN and -0 included), exactly as the ternary did.
  const x = asTensor(input);
  const src = contiguousData(x);
  const xb = bitsOf(src);
  const data = new Float32Array(src.length);
  const yb = bitsOf(data);
  for (let i = 0; i < src.length; i++) yb[i] = xb[i] & -+(src[i] > 0);
  return record(new Tensor(data, x.shape), 'relu', [x], (g) => {
    const gb = bitsOf(g);
    const dx = gradBuffer(g.length);
    const db = bitsOf(dx);
    for (let i = 0; i < g.length; i++) db[i] = gb[i] & -+(src[i] > 0);
    return [dx];
  });
}
