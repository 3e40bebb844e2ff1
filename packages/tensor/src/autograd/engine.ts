import { TensorError } from '../errors.js';
import { formatShape } from '../shape.js';
import type { BackwardFn, Tensor } from '../tensor.js';
import { isGradBuffer, recycleGradBuffer } from './grad-pool.js';

let gradEnabled = true;

/** Whether ops currently record the graph. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording any graph (inference, metrics, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** Links `out` to its parents with `backward` when grad mode is on and any parent needs a gradient. */
export function record(out: Tensor, op: string, parents: Tensor[], backward: BackwardFn): Tensor {
  if (!gradEnabled) return out;
  for (const p of parents) {
    if (p.requiresGrad) {
      out.requiresGrad = true;
      out._parents = parents;
      out._backward = backward;
      out._op = op;
      break;
    }
  }
  return out;
}

// Iterative post-order DFS: parents come before children; deep graphs cannot blow the stack.
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>([root]);
  const stack: Tensor[] = [root];
  const next: number[] = [0];
  while (stack.length > 0) {
    const node = stack[stack.length - 1];
    const i = next[next.length - 1];
    if (i < node._parents.length) {
      next[next.length - 1] = i + 1;
      const p = node._parents[i];
      if (p.requiresGrad && !visited.has(p)) {
        visited.add(p);
        stack.push(p);
        next.push(0);
      }
    } else {
      stack.pop();
      next.pop();
      order.push(node);
    }
  }
  return order;
}

// Whether `g`'s buffer is still reachable after its node's backward: passed on to a parent (add
// and reshape hand their gradient through) or held as another node's pending gradient.
function isShared(
  g: Float32Array,
  parentGrads: readonly (Float32Array | null)[],
  grads: ReadonlyMap<Tensor, Float32Array>,
): boolean {
  for (const pg of parentGrads) if (pg && pg.buffer === g.buffer) return true;
  for (const other of grads.values()) if (other.buffer === g.buffer) return true;
  return false;
}

/** Reverse-mode autodiff from `root`; gradients accumulate into leaf `.grad`, then the graph is freed. */
export function runBackward(root: Tensor, seed?: Tensor): void {
  if (!root.requiresGrad) {
    throw new TensorError(
      'TENSOR_NO_GRAD',
      `backward() on a tensor that does not require grad ${formatShape(root.shape)}`,
    );
  }
  if (!root.isLeaf && root._backward === null) {
    throw new TensorError('TENSOR_NO_GRAD', 'backward() through a graph that was already freed');
  }
  let g0: Float32Array;
  if (seed) {
    if (seed.size !== root.size) {
      throw new TensorError(
        'TENSOR_SHAPE_MISMATCH',
        `gradient ${formatShape(seed.shape)} does not match ${formatShape(root.shape)}`,
      );
    }
    g0 = seed.dataSync(); // a copy, row-major even if the seed is a view
  } else {
    if (root.size !== 1) {
      throw new TensorError(
        'TENSOR_NOT_SCALAR',
        `backward() without a gradient needs a scalar, got ${formatShape(root.shape)}`,
      );
    }
    g0 = new Float32Array([1]);
  }
  const order = topoOrder(root);
  // Gradient arrays may alias each other (e.g. add passes its gradient through unchanged), so
  // a second contribution is summed into a fresh array instead of mutating the first one.
  const grads = new Map<Tensor, Float32Array>([[root, g0]]);
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i];
    const g = grads.get(node);
    grads.delete(node);
    if (g === undefined) continue;
    const fn = node._backward;
    if (fn === null) {
      node._accumulateGrad(g);
      continue;
    }
    const parentGrads = fn(g);
    const parents = node._parents;
    for (let j = 0; j < parents.length; j++) {
      const p = parents[j];
      const pg = parentGrads[j];
      if (!p.requiresGrad || pg === null || pg === undefined) continue;
      if (pg.length !== p.size) {
        throw new Error(
          `internal: op ${node._op} returned a gradient of ${pg.length} values for a parent of ${p.size}`,
        );
      }
      const prev = grads.get(p);
      if (prev === undefined) grads.set(p, pg);
      else {
        const sum = new Float32Array(prev.length);
        for (let k = 0; k < sum.length; k++) sum[k] = prev[k] + pg[k];
        grads.set(p, sum);
      }
    }
    if (isGradBuffer(g) && !isShared(g, parentGrads, grads)) recycleGradBuffer(g);
  }
  for (const node of order) node._release();
}
