// Two deliberately tiny classifiers for tests: one that only draws planes (least squares),
// one that can follow any shape given enough points (k-nearest neighbours).
import type { Dataset } from '../types.js';

export interface Split {
  x: Float32Array;
  y: Float32Array;
  n: number;
  dim: number;
}

/** The first `fraction` of the (already shuffled) samples for training, the rest held out. */
export function split(ds: Dataset, fraction = 0.8): { train: Split; test: Split } {
  const [n, dim] = ds.x.shape as [number, number];
  const cut = Math.floor(n * fraction);
  const part = (a: number, b: number): Split => ({
    x: ds.x.data.subarray(a * dim, b * dim),
    y: ds.y.data.subarray(a, b),
    n: b - a,
    dim,
  });
  return { train: part(0, cut), test: part(cut, n) };
}

/** Held-out accuracy of k-nearest neighbours (majority vote, ties to the nearest). */
export function knnAccuracy(train: Split, test: Split, classes: number, k = 5): number {
  let correct = 0;
  const best = new Float64Array(k);
  const bestLabel = new Int32Array(k);
  for (let i = 0; i < test.n; i++) {
    best.fill(Infinity);
    for (let j = 0; j < train.n; j++) {
      let d = 0;
      for (let f = 0; f < test.dim; f++) {
        const diff = test.x[i * test.dim + f] - train.x[j * train.dim + f];
        d += diff * diff;
      }
      if (d >= best[k - 1]) continue;
      let p = k - 1;
      while (p > 0 && best[p - 1] > d) {
        best[p] = best[p - 1];
        bestLabel[p] = bestLabel[p - 1];
        p--;
      }
      best[p] = d;
      bestLabel[p] = train.y[j];
    }
    const votes = new Array<number>(classes).fill(0);
    for (let p = 0; p < k; p++) votes[bestLabel[p]] += 1;
    let pick = bestLabel[0];
    for (let c = 0; c < classes; c++) if (votes[c] > votes[pick]) pick = c;
    if (pick === test.y[i]) correct++;
  }
  return correct / test.n;
}

/** Solves A·w = b (A is m×m, row-major) by Gaussian elimination with partial pivoting. */
function solve(a: Float64Array, b: Float64Array, m: number): Float64Array {
  for (let col = 0; col < m; col++) {
    let piv = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(a[r * m + col]) > Math.abs(a[piv * m + col])) piv = r;
    for (let c = 0; c < m; c++) [a[col * m + c], a[piv * m + c]] = [a[piv * m + c], a[col * m + c]];
    [b[col], b[piv]] = [b[piv], b[col]];
    for (let r = 0; r < m; r++) {
      if (r === col) continue;
      const f = a[r * m + col] / a[col * m + col];
      for (let c = col; c < m; c++) a[r * m + c] -= f * a[col * m + c];
      b[r] -= f * b[col];
    }
  }
  return b.map((v, i) => v / a[i * m + i]);
}

/** Held-out accuracy of a one-vs-rest least-squares linear classifier (with bias): the best a plane can do, roughly. */
export function linearAccuracy(train: Split, test: Split, classes: number): number {
  const m = train.dim + 1;
  const row = (s: Split, i: number): number[] => [...s.x.subarray(i * s.dim, (i + 1) * s.dim), 1];
  const weights: Float64Array[] = [];
  for (let c = 0; c < classes; c++) {
    const ata = new Float64Array(m * m);
    const atb = new Float64Array(m);
    for (let i = 0; i < train.n; i++) {
      const r = row(train, i);
      const t = train.y[i] === c ? 1 : -1;
      for (let p = 0; p < m; p++) {
        atb[p] += r[p] * t;
        for (let q = 0; q < m; q++) ata[p * m + q] += r[p] * r[q];
      }
    }
    // A tiny ridge keeps the system solvable when a feature is constant.
    for (let p = 0; p < m; p++) ata[p * m + p] += 1e-9;
    weights.push(solve(ata, atb, m));
  }
  let correct = 0;
  for (let i = 0; i < test.n; i++) {
    const r = row(test, i);
    const scores = weights.map((w) => r.reduce((s, v, p) => s + v * w[p], 0));
    if (scores.indexOf(Math.max(...scores)) === test.y[i]) correct++;
  }
  return correct / test.n;
}
