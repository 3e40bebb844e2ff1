// Worker threads for the WebAssembly kernels. Each worker instantiates the same compiled module
// over the same shared WebAssembly.Memory (wasm-module.ts), then sleeps in Atomics.wait on its
// own slot of a small control array. `parallel(calls)` writes one kernel call per worker (the
// export's index and its arguments), bumps and notifies each slot, runs the first call on the
// calling thread, and waits until the workers have counted down. Callers split work so that every
// value is computed exactly as one thread would (disjoint rows/columns/images, never a split sum),
// so results do not depend on the thread count.
import { Worker } from 'node:worker_threads';
import { shared, type KernelExports } from './wasm-module.js';

/** Exports a worker may run; a call names one by its index here. */
export const THREAD_FNS = [
  'gemmLd',
  'conv2dForward',
  'conv2dBackwardPart',
] as const satisfies readonly (keyof KernelExports)[];
export type ThreadFn = (typeof THREAD_FNS)[number];

const MAX_ARGS = 15;
const SLOT = MAX_ARGS + 1; // [fn index, args...]

// The worker's whole program (CommonJS, run with eval: no file to resolve from src/ or dist/, and
// no TypeScript loader needed inside the thread).
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, args, index, fns } = workerData;
const ctl = new Int32Array(control);
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
Atomics.add(ctl, 2, 1);
Atomics.notify(ctl, 2);
const a = new Float64Array(args);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, 3 + index, seen);
  seen = Atomics.load(ctl, 3 + index);
  if (seen < 0) break;
  const at = index * ${SLOT};
  const fn = ex[fns[a[at]]];
  const n = fn.length;
  const v = [];
  for (let i = 0; i < n; i++) v.push(a[at + 1 + i]);
  try { fn(...v); } catch { Atomics.store(ctl, 1, 1); }
  if (Atomics.sub(ctl, 0, 1) === 1) Atomics.notify(ctl, 0);
}
`;

interface Pool {
  workers: Worker[];
  control: Int32Array; // [pending, failed, ready, generation per worker...]
  args: Float64Array;
}

let pool: Pool | null = null;
let threads = 1;

// How long setThreads waits for new workers to instantiate the module before giving up on them.
const READY_TIMEOUT_MS = 10_000;

// Starts n workers and waits until each has instantiated the module; null if one does not (a
// worker that died would otherwise leave parallel() waiting forever).
function startPool(n: number): Pool | null {
  const { module, memory } = shared!;
  const control = new Int32Array(new SharedArrayBuffer(4 * (3 + n)));
  const args = new Float64Array(new SharedArrayBuffer(8 * SLOT * n));
  const workers: Worker[] = [];
  for (let index = 0; index < n; index++) {
    const w = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module, memory, control: control.buffer, args: args.buffer, index, fns: THREAD_FNS },
    });
    w.unref(); // an idle pool never keeps the process alive
    workers.push(w);
  }
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (let ready = Atomics.load(control, 2); ready < n; ready = Atomics.load(control, 2)) {
    const left = deadline - Date.now();
    if (left <= 0) {
      stopPool({ workers, control, args });
      return null;
    }
    Atomics.wait(control, 2, ready, left);
  }
  return { workers, control, args };
}

function stopPool(p: Pool): void {
  for (let i = 0; i < p.workers.length; i++) {
    Atomics.store(p.control, 3 + i, -1);
    Atomics.notify(p.control, 3 + i);
  }
  for (const w of p.workers) void w.terminate();
}

/**
 * Sets how many threads the WebAssembly kernels use (1 = the calling thread only, the default).
 * Returns the number in effect: always 1 when the WebAssembly kernels did not load.
 */
export function setThreads(n: number): number {
  const want = Math.max(1, Math.floor(n));
  if (!shared) return (threads = 1);
  if (want === threads) return threads;
  if (pool) stopPool(pool);
  pool = want > 1 ? startPool(want - 1) : null;
  return (threads = pool ? want : 1);
}

/** How many threads the WebAssembly kernels use. */
export function threadCount(): number {
  return threads;
}

/** One kernel call: an export that threads may run, and its (numeric) arguments. */
export type Call = [fn: ThreadFn, args: number[]];

/**
 * Runs calls[0] on this thread and calls[1..] on workers 0.., returning when all are done. At most
 * threadCount() calls. The calls must write disjoint memory.
 */
export function parallel(ex: KernelExports, calls: readonly Call[]): void {
  const p = pool;
  const others = calls.length - 1;
  if (others > 0) {
    if (!p || others > p.workers.length) throw new Error(`parallel: ${calls.length} calls for ${threads} threads`);
    Atomics.store(p.control, 0, others);
    for (let i = 0; i < others; i++) {
      const [fn, args] = calls[i + 1];
      const at = i * SLOT;
      p.args[at] = THREAD_FNS.indexOf(fn);
      for (let j = 0; j < args.length; j++) p.args[at + 1 + j] = args[j];
      Atomics.add(p.control, 3 + i, 1);
      Atomics.notify(p.control, 3 + i);
    }
  }
  const [fn, args] = calls[0];
  try {
    (ex[fn] as (...a: number[]) => void)(...args);
  } finally {
    // Even if this thread's part trapped: the workers must be done before the arena is reused.
    if (others > 0) {
      for (let left = Atomics.load(p!.control, 0); left !== 0; left = Atomics.load(p!.control, 0))
        Atomics.wait(p!.control, 0, left);
    }
  }
  if (others > 0 && Atomics.exchange(p!.control, 1, 0) !== 0)
    throw new Error('a WebAssembly kernel failed in a worker thread');
}

/** Splits [0, total) into at most `parts` ranges, each a multiple of `multiple` but the last. */
export function splitRange(total: number, parts: number, multiple: number): [number, number][] {
  const size = Math.ceil(Math.ceil(total / parts) / multiple) * multiple;
  const out: [number, number][] = [];
  for (let b = 0; b < total; b += size) out.push([b, Math.min(total, b + size)]);
  return out;
}
