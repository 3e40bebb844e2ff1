import type { Tensor } from '../tensor.js';
import { unaryPointwise } from './pointwise.js';
import type { TensorLike } from './util.js';

const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** erf(x) with absolute error below 1.2e-7 (Numerical Recipes' Chebyshev fit of erfc); ample for float32. */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc : erfc - 1;
}

/**
 * Gaussian error linear unit x·Φ(x). Exact erf form by default (Keras `approximate=False`);
 * `approximate` uses 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 */
export function gelu(x: TensorLike, approximate = false): Tensor {
  if (approximate) {
    return unaryPointwise(
      'gelu',
      x,
      (v) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))),
      (v) => {
        const t = Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v));
        return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v);
      },
    );
  }
  // d/dx x·Φ(x) = Φ(x) + x·φ(x).
  return unaryPointwise(
    'gelu',
    x,
    (v) => 0.5 * v * (1 + erf(v * INV_SQRT2)),
    (v) => 0.5 * (1 + erf(v * INV_SQRT2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v),
  );
}
