// Test-only: contractions written as tf.einsum equations, an oracle independent of our
// transpose/reshape/matmul plan (TF.js has no tensordot, and tf.dot stops at rank 2).

/** The einsum equation contracting `xAxes` of a rank-`rx` x with `yAxes` of a rank-`ry` y (non-negative axes). */
export function einsumFor(rx: number, ry: number, xAxes: readonly number[], yAxes: readonly number[]): string {
  const letters = 'abcdefghijklmnop';
  const xs = [...letters.slice(0, rx)];
  const ys = [...letters.slice(rx, rx + ry)];
  xAxes.forEach((ax, i) => (ys[yAxes[i]] = xs[ax]));
  const out = [...xs.filter((_, i) => !xAxes.includes(i)), ...ys.filter((_, i) => !yAxes.includes(i))];
  return `${xs.join('')},${ys.join('')}->${out.join('')}`;
}
