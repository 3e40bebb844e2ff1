// Prints single-thread throughput (elements read per second) of the reduction kernels on the
// shapes training hits: last axis (softmax, losses), axis 0 (bias gradients), NHWC channel sums,
// and a non-block set of axes that takes the odometer path.
// Run: node --conditions=@trainyard/source --import tsx packages/tensor/src/kernels/reduce.bench.ts
import { maxAxes, sumAxes } from './reduce.js';

const CASES: [number[], number[]][] = [
  [[4096, 512], [1]],
  [[4096, 512], [0]],
  [[4096, 10], [1]],
  [
    [32, 16, 16, 64],
    [0, 1, 2],
  ],
  [
    [32, 16, 16, 64],
    [0, 2],
  ],
];

for (const [shape, axes] of CASES) {
  const n = shape.reduce((p, d) => p * d, 1);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() - 0.5;
  const reps = Math.max(5, Math.floor(2e7 / n));
  const line: string[] = [];
  for (const [name, fn] of [
    ['sum', sumAxes],
    ['max', maxAxes],
  ] as const) {
    for (let i = 0; i < 3; i++) fn(a, shape, axes); // warm-up so the JIT has optimised the loops
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn(a, shape, axes);
    const seconds = (performance.now() - t0) / 1000 / reps;
    line.push(`${name} ${(n / seconds / 1e9).toFixed(2)} Gelem/s`);
  }
  console.log(`[${shape.join(', ')}] over [${axes.join(', ')}]: ${line.join(', ')}`);
}
