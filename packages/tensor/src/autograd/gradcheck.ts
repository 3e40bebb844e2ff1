import { Rng } from '../random.js';
import { Tensor } from '../tensor.js';
import { noGrad } from './engine.js';

export interface GradcheckOptions {
  /** Central-difference step (default 1e-3). */
  eps?: number;
  /** Absolute tolerance (default 2e-3). */
  atol?: number;
  /** Relative tolerance (default 1e-2). */
  rtol?: number;
  /** Seed of the random projection of the output (default 0). */
  seed?: number;
}

/**
 * Compares autodiff gradients of `fn` with central finite differences and throws on mismatch;
 * returns the largest absolute error. The output is projected on fixed random weights so that
 * every element (and its position) matters, and the projection is summed in float64.
 */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  opts: GradcheckOptions = {},
): number {
  const eps = opts.eps ?? 1e-3;
  const atol = opts.atol ?? 2e-3;
  const rtol = opts.rtol ?? 1e-2;
  const leaves = inputs.map((t) => new Tensor(t.dataSync(), t.shape, true));
  const out = fn(...leaves);
  const rng = new Rng(opts.seed ?? 0);
  const weights = new Float32Array(out.size);
  for (let i = 0; i < weights.length; i++) weights[i] = rng.uniform(-1, 1);
  const project = (): number =>
    noGrad(() => {
      const y = fn(...leaves).dataSync(); // row-major even when the op returns a view
      let s = 0;
      for (let i = 0; i < y.length; i++) s += y[i] * weights[i];
      return s;
    });
  if (!out.requiresGrad) throw new Error(`gradcheck: output does not depend on any input`);
  out.backward(new Tensor(weights, out.shape));
  let worst = 0;
  leaves.forEach((leaf, li) => {
    const analytic = leaf.grad?.data ?? new Float32Array(leaf.size);
    for (let j = 0; j < leaf.size; j++) {
      const orig = leaf.data[j];
      leaf.data[j] = orig + eps;
      const hi = leaf.data[j];
      const fp = project();
      leaf.data[j] = orig - eps;
      const lo = leaf.data[j];
      const fm = project();
      leaf.data[j] = orig;
      // Divide by the step actually taken after float32 rounding.
      const numeric = (fp - fm) / (hi - lo);
      const err = Math.abs(analytic[j] - numeric);
      worst = Math.max(worst, err);
      if (!(err <= atol + rtol * Math.abs(numeric))) {
        throw new Error(`gradcheck: input ${li} element ${j}: analytic ${analytic[j]} vs numeric ${numeric}`);
      }
    }
  });
  return worst;
}
