// Prints single-thread GFLOPS of the three GEMM variants.
// Run: node --conditions=@trainyard/source --import tsx packages/tensor/src/kernels/gemm.bench.ts
import { gemmNN, gemmNT, gemmTN } from './gemm.js';

const variants = { nn: gemmNN, tn: gemmTN, nt: gemmNT } as const;

function random(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.random() - 0.5;
  return out;
}

for (const size of [256, 512, 1024]) {
  const a = random(size * size);
  const b = random(size * size);
  const c = new Float32Array(size * size);
  const flops = 2 * size * size * size;
  const line: string[] = [];
  for (const [name, fn] of Object.entries(variants)) {
    fn(size, size, size, a, b, c); // warm-up so the JIT has optimised the kernel
    const reps = Math.max(1, Math.round(2e9 / flops));
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn(size, size, size, a, b, c);
    const seconds = (performance.now() - t0) / 1000 / reps;
    line.push(`${name} ${(flops / seconds / 1e9).toFixed(2)} GFLOPS`);
  }
  console.log(`${size}x${size}x${size}: ${line.join('  ')}`);
}
