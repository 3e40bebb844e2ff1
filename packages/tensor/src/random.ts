import { TensorError } from './errors.js';

const TWO_POW_32 = 4294967296;

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Seeded xoshiro128** generator (32-bit state words). Same seed ⇒ same stream on every platform;
 * `getState()`/`setState()` let a checkpoint resume the stream exactly.
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  constructor(seed = 0) {
    if (!Number.isFinite(seed)) throw new TensorError('TENSOR_INVALID_ARGUMENT', `seed must be finite, got ${seed}`);
    const st = { s: (seed >>> 0) ^ Math.imul(Math.floor(seed / TWO_POW_32) | 0, 0x27d4eb2d) };
    this.s0 = splitmix32(st);
    this.s1 = splitmix32(st);
    this.s2 = splitmix32(st);
    this.s3 = splitmix32(st);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A generator whose seed is derived from several numbers, e.g. `Rng.fromKey(seed, epoch)`. */
  static fromKey(...keys: number[]): Rng {
    let h = 0x811c9dc5;
    for (const k of keys) {
      const st = { s: h ^ (k >>> 0) ^ Math.imul(Math.floor(k / TWO_POW_32) | 0, 0x165667b1) };
      h = splitmix32(st);
    }
    return new Rng(h);
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * (this.nextUint32() / TWO_POW_32);
  }

  /** Normal N(mean, std²) by Box–Muller (one value per call, so the state stays four words). */
  normal(mean = 0, std = 1): number {
    const u1 = 1 - this.nextUint32() / TWO_POW_32; // (0, 1]: log stays finite
    const u2 = this.nextUint32() / TWO_POW_32;
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Normal N(mean, std²) redrawn until within 2σ of the mean. */
  truncatedNormal(mean = 0, std = 1): number {
    let z = this.normal();
    while (Math.abs(z) > 2) z = this.normal();
    return mean + std * z;
  }

  /** Uniform integer in [low, high). */
  int(low: number, high: number): number {
    if (!(high > low)) throw new TensorError('TENSOR_INVALID_ARGUMENT', `int(${low}, ${high}) has an empty range`);
    return low + Math.floor((this.nextUint32() / TWO_POW_32) * (high - low));
  }

  /** Fisher–Yates shuffle in place (from the end, as tfjs does); returns the same array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** The four state words. */
  getState(): number[] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** Restores a state from `getState()`. */
  setState(state: readonly number[]): void {
    if (state.length !== 4 || state.some((w) => !Number.isInteger(w)) || state.every((w) => w === 0)) {
      throw new TensorError('TENSOR_INVALID_ARGUMENT', 'Rng state must be four integers, not all zero');
    }
    [this.s0, this.s1, this.s2, this.s3] = state.map((w) => w | 0);
  }
}
