// Kernel throughput, ours against TensorFlow.js in the same process: GEMM in its three training
// variants and the two conv layers of a Fashion-MNIST CNN in their three passes. Ours is measured
// through `gemm` (`kernel`: the WebAssembly SIMD kernel when it is built, see gemmEngine) on 1 and
// 2 threads (THREADS=1,2,4 picks others) and, for GEMM, also through the TypeScript reference
// kernel; the rival is TF.js's wasm backend (XNNPACK, SIMD, one thread). The contenders of one
// measurement take turns, round after round, each keeping its best round: this VM's speed drifts
// by 10-20% over minutes (a shared host), and interleaving makes a slow spell hit everyone alike.
// TF.js's cpu backend follows (RIVAL=wasm skips it, RIVAL=none skips TF.js).
// Prints one JSON line per measurement. Run: pnpm bench kernels
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { availableParallelism } from 'node:os';
import { gemmEngine, gemmNN, gemmNT, gemmTN, setThreads } from '../packages/tensor/src/index.js';
import { gemmTs } from '../packages/tensor/src/kernels/gemm.js';
import { conv2dFilterGrad, conv2dForward, conv2dInputGrad } from '../packages/tensor/src/kernels/conv.js';
import { windowGeometry } from '../packages/tensor/src/kernels/conv-geometry.js';
import { filterGradComposite } from './tfjs.js';

tf.env().set('IS_TEST', true); // silences the "install tfjs-node" banner
const require = createRequire(import.meta.url);
setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);

const MATMUL_SIZES = [128, 256, 512, 1024];
const CPU_MATMUL_SIZES = [256, 512]; // the cpu backend needs seconds per 1024 product
const TS_MATMUL_MAX = 512; // our TypeScript kernel: its 1024 figure is in BENCHMARKS.md, half a second a call
// Batch 64 of conv32(3×3, same) on 28×28×1 and conv64(3×3, same) on the pooled 14×14×32.
type Shape4 = [number, number, number, number];
// cpuFilterGrad: whether the tfjs cpu backend's Conv2DBackpropFilter is timed (one call of the
// second layer took 61 s on this machine, 0.008 GFLOPS, so it is reported as skipped).
const CONV_LAYERS: { shape: string; x: Shape4; w: Shape4; cpuFilterGrad: boolean }[] = [
  { shape: '64x28x28x1*3x3x1x32', x: [64, 28, 28, 1], w: [3, 3, 1, 32], cpuFilterGrad: true },
  { shape: '64x14x14x32*3x3x32x64', x: [64, 14, 14, 32], w: [3, 3, 32, 64], cpuFilterGrad: false },
];
const ROUND_MS = 300;
const ROUNDS = 5;
const THREADS = process.env.THREADS
  ? process.env.THREADS.split(',').map(Number)
  : [...new Set([1, Math.min(2, availableParallelism())])];
const RIVAL = process.env.RIVAL ?? 'all'; // all | wasm | none

function emit(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line));
}

function random(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.random() - 0.5;
  return out;
}

/** One side of a measurement: what it prints, how to get ready for a round (threads), the call. */
interface Contender {
  line: Record<string, unknown>;
  ready?: () => void;
  call: () => void;
}

// Seconds per call of each contender: one warm-up call each (JIT, wasm compilation, buffer
// pools), then ROUNDS rounds in which every contender runs for at least ROUND_MS in turn; each
// keeps its best round, so a burst of other work on the machine does not count.
function race(contenders: Contender[]): number[] {
  for (const c of contenders) {
    c.ready?.();
    c.call();
  }
  const best = contenders.map(() => Infinity);
  for (let round = 0; round < ROUNDS; round++) {
    contenders.forEach((c, i) => {
      c.ready?.();
      let reps = 0;
      const t0 = performance.now();
      do {
        c.call();
        reps++;
      } while (performance.now() - t0 < ROUND_MS);
      best[i] = Math.min(best[i], (performance.now() - t0) / 1000 / reps);
    });
  }
  return best;
}

/** Races the contenders and prints each one's GFLOPS for `flops` per call. */
function report(flops: number, contenders: Contender[]): void {
  const seconds = race(contenders);
  contenders.forEach((c, i) => emit({ ...c.line, gflops: Math.round((flops / seconds[i] / 1e9) * 100) / 100 }));
}

// A tf computation timed to completion: dataSync() waits for the backend, then the result is freed.
function tfCall(make: () => tf.Tensor): () => void {
  return () => {
    const t = make();
    t.dataSync();
    t.dispose();
  };
}

// The thread counts of THREADS the kernels can have (only 1 without WebAssembly).
const OUR_THREADS = [...new Set(THREADS.map((t) => setThreads(t)))];
setThreads(1);

/** Ours on each of OUR_THREADS, as contenders. */
function ours(line: Record<string, unknown>, call: () => void): Contender[] {
  return OUR_THREADS.map((t) => ({
    line: { ...line, engine: 'trainyard', kernel: gemmEngine, threads: t },
    ready: () => void setThreads(t),
    call,
  }));
}

const FLAGS = { nn: [false, false], tn: [true, false], nt: [false, true] } as const;

function matmul(engine: 'tfjs-wasm' | 'tfjs-cpu' | null, sizes: number[], withOurs: boolean): void {
  const variants = { nn: gemmNN, tn: gemmTN, nt: gemmNT } as const;
  for (const size of sizes) {
    const a = random(size * size);
    const b = random(size * size);
    const c = new Float32Array(size * size);
    const ta = engine ? tf.tensor2d(a, [size, size]) : null;
    const tb = engine ? tf.tensor2d(b, [size, size]) : null;
    for (const [variant, [transA, transB]] of Object.entries(FLAGS)) {
      const line = { bench: 'matmul', variant, size };
      const contenders: Contender[] = [];
      if (withOurs) {
        const fn = variants[variant as keyof typeof variants];
        contenders.push(...ours(line, () => fn(size, size, size, a, b, c)));
        if (gemmEngine !== 'typescript' && size <= TS_MATMUL_MAX) {
          contenders.push({
            line: { ...line, engine: 'trainyard', kernel: 'typescript' },
            ready: () => void setThreads(1),
            call: () => gemmTs(transA, transB, size, size, size, a, 0, b, 0, c, 0, false),
          });
        }
      }
      if (engine)
        contenders.push({ line: { ...line, engine }, call: tfCall(() => tf.matMul(ta!, tb!, transA, transB)) });
      report(2 * size ** 3, contenders);
    }
    if (ta && tb) tf.dispose([ta, tb]);
  }
}

function convFlops(x: readonly number[], w: readonly number[]): number {
  // 'same', stride 1: outH·outW = inH·inW; every pass does the same multiply-adds.
  return 2 * x[0] * x[1] * x[2] * w[0] * w[1] * w[2] * w[3];
}

function conv(engine: 'tfjs-wasm' | 'tfjs-cpu' | null, withOurs: boolean): void {
  for (const layer of CONV_LAYERS) {
    const [kH, kW, , outC] = layer.w;
    const g = windowGeometry('conv2d', layer.x, kH, kW, 1, 'same');
    const x = random(layer.x.reduce((p, v) => p * v));
    const w = random(layer.w.reduce((p, v) => p * v));
    const dy = random(g.batch * g.outH * g.outW * outC);
    const tx = tf.tensor4d(x, layer.x);
    const tw = tf.tensor4d(w, layer.w);
    const tdy = tf.tensor4d(dy, [layer.x[0], layer.x[1], layer.x[2], outC]);
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] };
    const kernel = (name: string, inputs: tf.NamedTensorMap, extra: object) =>
      tfCall(
        () => tf.engine().runKernel(name, inputs, { ...attrs, ...extra } as unknown as tf.NamedAttrMap) as tf.Tensor,
      );
    const passes = {
      forward: { ours: () => conv2dForward(x, w, g, outC), tf: tfCall(() => tf.conv2d(tx, tw, 1, 'same')) },
      'input-grad': {
        ours: () => conv2dInputGrad(dy, w, g, outC),
        tf: kernel('Conv2DBackpropInput', { dy: tdy, filter: tw }, { inputShape: layer.x }),
      },
      'filter-grad': {
        ours: () => conv2dFilterGrad(x, dy, g, outC),
        tf: kernel('Conv2DBackpropFilter', { x: tx, dy: tdy }, { filterShape: layer.w }),
      },
    };
    for (const [pass, fns] of Object.entries(passes)) {
      const line = { bench: 'conv2d', pass, shape: layer.shape };
      const contenders: Contender[] = withOurs ? ours(line, fns.ours) : [];
      if (engine === 'tfjs-cpu' && pass === 'filter-grad' && !layer.cpuFilterGrad) {
        emit({ ...line, engine, gflops: null, note: 'skipped: one call takes about 60 s' });
      } else if (engine && pass === 'filter-grad' && !tf.getKernel('Conv2DBackpropFilter', tf.getBackend())) {
        const note = 'kernel missing; timed as pad+transpose+conv2d+transpose';
        contenders.push({ line: { ...line, engine, note }, call: tfCall(() => filterGradComposite(tx, tdy, kH, kW)) });
      } else if (engine) {
        contenders.push({ line: { ...line, engine }, call: fns.tf });
      }
      if (contenders.length) report(convFlops(layer.x, layer.w), contenders);
    }
    tf.dispose([tx, tw, tdy]);
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
    probeWant = (
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor
    ).dataSync() as Float32Array;
  }
  const got = filterGradComposite(x, dy, 3, 2).dataSync();
  const diff = Math.max(...got.map((v, i) => Math.abs(v - probeWant![i])));
  tf.dispose([x, dy]);
  if (!(diff < 1e-4))
    throw new Error(`filter-gradient composite on ${tf.getBackend()} differs from the cpu kernel by ${diff}`);
}

// The composite's reference is the cpu backend's kernel, so the cpu backend comes up first.
await tf.setBackend('cpu');
checkComposite();
if (RIVAL === 'none') {
  matmul(null, MATMUL_SIZES, true);
  conv(null, true);
} else {
  await tf.setBackend('wasm');
  await tf.ready();
  checkComposite();
  matmul('tfjs-wasm', MATMUL_SIZES, true);
  conv('tfjs-wasm', true);
  if (RIVAL !== 'wasm') {
    await tf.setBackend('cpu');
    matmul('tfjs-cpu', CPU_MATMUL_SIZES, false);
    conv('tfjs-cpu', false);
  }
}
setThreads(1);
