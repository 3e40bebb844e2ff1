// Recycles the large gradient arrays of the hot backward kernels (relu, max pooling, the conv
// input gradient). A fresh multi-megabyte Float32Array costs a page fault per 4 KB on first touch
// plus GC pressure, about 10× the cost of refilling a warm one, and a CNN step made several.
// Only arrays made here are ever recycled, and only by the engine, once no pending gradient
// shares their buffer, so a recycled array can never still be in use.

// Below this many floats the young generation allocates cheaply; pooling would not pay.
const MIN_SIZE = 1 << 16;
// Upper bound on memory held idle in the pool (bytes).
const MAX_POOLED_BYTES = 64 << 20;

const free = new Map<number, Float32Array[]>();
const made = new WeakSet<Float32Array>();
const pooled = new WeakSet<Float32Array>();
let pooledBytes = 0;

/** A zero-filled gradient array of `n` floats; the engine may reuse it once it is dead. */
export function gradBuffer(n: number): Float32Array {
  if (n < MIN_SIZE) return new Float32Array(n);
  const a = free.get(n)?.pop();
  if (a) {
    pooled.delete(a);
    pooledBytes -= a.byteLength;
    return a.fill(0);
  }
  const fresh = new Float32Array(n);
  made.add(fresh);
  return fresh;
}

/** Whether `a` came from gradBuffer (only such arrays are worth the engine's liveness check). */
export function isGradBuffer(a: Float32Array): boolean {
  return made.has(a);
}

/** @internal Takes back a gradBuffer array that nothing references any more (the engine decides). */
export function recycleGradBuffer(a: Float32Array): void {
  if (!made.has(a) || pooled.has(a) || pooledBytes + a.byteLength > MAX_POOLED_BYTES) return;
  let list = free.get(a.length);
  if (!list) free.set(a.length, (list = []));
  list.push(a);
  pooled.add(a);
  pooledBytes += a.byteLength;
}
