// Kernel throughput, ours against TensorFlow.js (cpu and wasm backends) in the same process:
// GEMM in its three training variants and the two conv layers of a Fashion-MNIST CNN in their
// three passes. Ours is measured through `gemm` (`kernel`: the WebAssembly SIMD kernel when it is
// built, see gemmEngine) and, for GEMM, also through the TypeScript reference kernel.
// Ours runs on 1 and 2 threads (setThreads; THREADS=1,2,4 picks others); RIVAL=none skips TF.js.
// Prints one JSON line per measurement. Run: pnpm bench kernels
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { availableParallelism } from 'node:os';
import { engineInfo, gemmEngine, gemmNN, gemmNT, gemmTN, setThreads } from '../packages/tensor/src/index.js';
import { gemmTs } from '../packages/tensor/src/kernels/gemm.js';
import { conv2dFilterGrad, conv2dForward, conv2dInputGrad } from '../packages/tensor/src/kernels/conv.js';
import { windowGeometry } from '../packages/tensor/src/kernels/conv-geometry.js';
import { filterGradComposite } from './tfjs.js';

tf.env().set('IS_TEST', true); // silences the "install tfjs-node" banner
const require = createRequire(import.meta.url);
setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);

const MATMUL_SIZES = [128, 256, 512, 1024];
const CPU_MATMUL_SIZES = [256, 512]; // the cpu backend needs seconds per 1024 product
// Batch 64 of conv32(3×3, same) on 28×28×1 and conv64(3×3, same) on the pooled 14×14×32.
type Shape4 = [number, number, number, number];
// cpuFilterGrad: whether the tfjs cpu backend's Conv2DBackpropFilter is timed (one call of the
// second layer took 61 s on this machine, 0.008 GFLOPS, so it is reported as skipped).
const CONV_LAYERS: { shape: string; x: Shape4; w: Shape4; cpuFilterGrad: boolean }[] = [
  { shape: '64x28x28x1*3x3x1x32', x: [64, 28, 28, 1], w: [3, 3, 1, 32], cpuFilterGrad: true },
  { shape: '64x14x14x32*3x3x32x64', x: [64, 14, 14, 32], w: [3, 3, 32, 64], cpuFilterGrad: false },
];
const ROUND_MS = 400;
const THREADS = process.env.THREADS ? process.env.THREADS.split(',').map(Number) : [...new Set([1, Math.min(2, availableParallelism())])];

function emit(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line));
}

function random(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.random() - 0.5;
  return out;
}

// Seconds per call: one warm-up call (JIT, wasm compilation, buffer pools), then the best of
// three rounds of at least ROUND_MS each, so a burst of other work on the machine does not count.
function secondsPerCall(fn: () => void): number {
  fn();
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    let reps = 0;
    const t0 = performance.now();
    do {
      fn();
      reps++;
    } while (performance.now() - t0 < ROUND_MS);
    best = Math.min(best, (performance.now() - t0) / 1000 / reps);
  }
  return best;
}

const gflops = (flops: number, seconds: number): number => Math.round((flops / seconds / 1e9) * 100) / 100;

// A tf computation timed to completion: dataSync() waits for the backend, then the result is freed.
function tfCall(make: () => tf.Tensor): () => void {
  return () => {
    const t = make();
    t.dataSync();
    t.dispose();
  };
}

function matmulOurs(): void {
  const variants = { nn: gemmNN, tn: gemmTN, nt: gemmNT } as const;
  const flags = { nn: [false, false], tn: [true, false], nt: [false, true] } as const;
  for (const size of MATMUL_SIZES) {
    const a = random(size * size);
    const b = random(size * size);
    const c = new Float32Array(size * size);
    for (const [variant, fn] of Object.entries(variants)) {
      const s = secondsPerCall(() => fn(size, size, size, a, b, c));
      emit({ bench: 'matmul', variant, size, engine: 'trainyard', kernel: gemmEngine, threads: engineInfo().threads, gflops: gflops(2 * size ** 3, s) });
      if (gemmEngine === 'typescript' || engineInfo().threads > 1) continue;
      const [ta, tb] = flags[variant as keyof typeof flags];
      const ts = secondsPerCall(() => gemmTs(ta, tb, size, size, size, a, 0, b, 0, c, 0, false));
      emit({ bench: 'matmul', variant, size, engine: 'trainyard', kernel: 'typescript', gflops: gflops(2 * size ** 3, ts) });
    }
  }
}

function matmulTf(engine: string, sizes: number[]): void {
  for (const size of sizes) {
    const a = tf.randomUniform([size, size], -0.5, 0.5);
    const b = tf.randomUniform([size, size], -0.5, 0.5);
    for (const [variant, ta, tb] of [['nn', false, false], ['tn', true, false], ['nt', false, true]] as const) {
      const s = secondsPerCall(tfCall(() => tf.matMul(a, b, ta, tb)));
      emit({ bench: 'matmul', variant, size, engine, gflops: gflops(2 * size ** 3, s) });
    }
    tf.dispose([a, b]);
  }
}

function convFlops(x: readonly number[], w: readonly number[]): number {
  // 'same', stride 1: outH·outW = inH·inW; every pass does the same multiply-adds.
  return 2 * x[0] * x[1] * x[2] * w[0] * w[1] * w[2] * w[3];
}

function convOurs(): void {
  for (const layer of CONV_LAYERS) {
    const [kH, kW, , outC] = layer.w;
    const g = windowGeometry('conv2d', layer.x, kH, kW, 1, 'same');
    const x = random(layer.x.reduce((p, v) => p * v));
    const w = random(layer.w.reduce((p, v) => p * v));
    const dy = random(g.batch * g.outH * g.outW * outC);
    const passes = {
      forward: () => conv2dForward(x, w, g, outC),
      'input-grad': () => conv2dInputGrad(dy, w, g, outC),
      'filter-grad': () => conv2dFilterGrad(x, dy, g, outC),
    };
    for (const [pass, fn] of Object.entries(passes)) {
      emit({ bench: 'conv2d', pass, shape: layer.shape, engine: 'trainyard', kernel: gemmEngine, threads: engineInfo().threads, gflops: gflops(convFlops(layer.x, layer.w), secondsPerCall(fn)) });
    }
  }
}

function convTf(engine: 'tfjs-cpu' | 'tfjs-wasm'): void {
  for (const layer of CONV_LAYERS) {
    const [kH, kW, , outC] = layer.w;
    const x = tf.randomUniform([...layer.x], -0.5, 0.5) as tf.Tensor4D;
    const w = tf.randomUniform([...layer.w], -0.5, 0.5) as tf.Tensor4D;
    const dy = tf.randomUniform([layer.x[0], layer.x[1], layer.x[2], outC], -0.5, 0.5) as tf.Tensor4D;
    const flops = convFlops(layer.x, layer.w);
    const base = { bench: 'conv2d', shape: layer.shape, engine };
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] };
    const run = (kernel: string, inputs: tf.NamedTensorMap, extra: object) => () =>
      tf.engine().runKernel(kernel, inputs, { ...attrs, ...extra } as unknown as tf.NamedAttrMap) as tf.Tensor;
    emit({ ...base, pass: 'forward', gflops: gflops(flops, secondsPerCall(tfCall(() => tf.conv2d(x, w, 1, 'same')))) });
    const inputGrad = run('Conv2DBackpropInput', { dy, filter: w }, { inputShape: layer.x });
    emit({ ...base, pass: 'input-grad', gflops: gflops(flops, secondsPerCall(tfCall(inputGrad))) });
    if (engine === 'tfjs-cpu' && !layer.cpuFilterGrad) {
      emit({ ...base, pass: 'filter-grad', gflops: null, note: 'skipped: one call takes about 60 s' });
    } else if (tf.getKernel('Conv2DBackpropFilter', tf.getBackend())) {
      const filterGrad = run('Conv2DBackpropFilter', { x, dy }, { filterShape: layer.w });
      emit({ ...base, pass: 'filter-grad', gflops: gflops(flops, secondsPerCall(tfCall(filterGrad))) });
    } else {
      const s = secondsPerCall(tfCall(() => filterGradComposite(x, dy, kH, kW)));
      emit({ ...base, pass: 'filter-grad', gflops: gflops(flops, s), note: 'kernel missing; timed as pad+transpose+conv2d+transpose' });
    }
    tf.dispose([x, w, dy]);
  }
}

// Guards the composite above: on both backends it must equal the cpu backend's real kernel.
const probe = { x: random(2 * 5 * 6 * 3), dy: random(2 * 5 * 6 * 4) };
let probeWant: Float32Array | undefined;
function checkComposite(): void {
  const x = tf.tensor4d(probe.x, [2, 5, 6, 3]);
  const dy = tf.tensor4d(probe.dy, [2, 5, 6, 4]);
  if (!probeWant) {
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1], filterShape: [3, 2, 3, 4] };
    probeWant = (tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor).dataSync() as Float32Array;
  }
  const got = filterGradComposite(x, dy, 3, 2).dataSync();
  const diff = Math.max(...got.map((v, i) => Math.abs(v - probeWant![i])));
  tf.dispose([x, dy]);
  if (!(diff < 1e-4)) throw new Error(`filter-gradient composite on ${tf.getBackend()} differs from the cpu kernel by ${diff}`);
}

for (const t of THREADS) {
  setThreads(t);
  matmulOurs();
  convOurs();
}
setThreads(1);
if (process.env.RIVAL === 'none') process.exit(0);
await tf.setBackend('cpu');
checkComposite();
matmulTf('tfjs-cpu', CPU_MATMUL_SIZES);
convTf('tfjs-cpu');
await tf.setBackend('wasm');
await tf.ready();
checkComposite();
matmulTf('tfjs-wasm', MATMUL_SIZES);
convTf('tfjs-wasm');
