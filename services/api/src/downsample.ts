/**
 * Largest-triangle-three-buckets (Steinarsson, 2013): picks at most `maxPoints` indices of a
 * series, always the first and the last, keeping in each bucket the point that makes the
 * largest triangle with the point kept before it and the mean of the next bucket — so peaks and
 * dips survive where uniform sampling would drop them. Null values count as 0.
 *
 * @example lttbIndices([1, 5, 2, 8, 3], [0.9, 0.5, 0.6, 0.2, 0.1], 3) // → [0, 2 or 3, 4]
 */
export function lttbIndices(x: readonly number[], y: readonly (number | null)[], maxPoints: number): number[] {
  const n = x.length;
  if (maxPoints >= n || n <= 2) return Array.from({ length: n }, (_, i) => i);
  if (maxPoints <= 2) return [0, n - 1];
  const yv = (i: number) => y[i] ?? 0;
  const kept = [0];
  const every = (n - 2) / (maxPoints - 2);
  let a = 0;
  for (let b = 0; b < maxPoints - 2; b++) {
    // The next bucket's mean is the triangle's third corner.
    const nextStart = Math.floor((b + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((b + 2) * every) + 1, n);
    let mx = 0;
    let my = 0;
    for (let i = nextStart; i < nextEnd; i++) {
      mx += x[i];
      my += yv(i);
    }
    const count = Math.max(nextEnd - nextStart, 1);
    mx /= count;
    my /= count;
    const start = Math.floor(b * every) + 1;
    const end = Math.floor((b + 1) * every) + 1;
    let best = start;
    let bestArea = -1;
    for (let i = start; i < end; i++) {
      const area = Math.abs((x[a] - mx) * (yv(i) - yv(a)) - (x[a] - x[i]) * (my - yv(a)));
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    kept.push(best);
    a = best;
  }
  kept.push(n - 1);
  return kept;
}
