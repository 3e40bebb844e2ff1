import { describe, expect, it } from 'vitest';
import { MemoryGuard, type Watched } from './memory-guard.js';

const MB = 2 ** 20;

/** A watched thread whose report the test sets; records what the guard saw. */
function thread(limitMb: number) {
  const slots = new BigInt64Array(new SharedArrayBuffer(16));
  const seen: number[] = [];
  const breaches: number[] = [];
  const w: Watched = { slots, limit: limitMb * MB, sample: (b) => seen.push(b), breach: (b) => breaches.push(b) };
  const report = (mb: number, at: number) => {
    Atomics.store(slots, 0, BigInt(mb * MB));
    Atomics.store(slots, 1, BigInt(at));
  };
  return { w, seen, breaches, report };
}

describe('MemoryGuard', () => {
  it('one job: its fresh report counts; once stale, the process growth since idle counts instead', () => {
    let rss = 1000 * MB;
    const guard = new MemoryGuard(60_000, () => rss);
    const a = thread(300);
    const stop = guard.watch(a.w); // baseline: 1000 MB
    a.report(50, 1000);
    rss = 1100 * MB;
    guard.poll(1100);
    expect(a.seen.at(-1)).toBe(50 * MB);
    // Inside one long allocation: no report for a while, and the process grew by 400 MB.
    rss = 1400 * MB;
    guard.poll(3000);
    expect(a.seen.at(-1)).toBe(50 * MB + 350 * MB);
    expect(a.breaches).toEqual([50 * MB + 350 * MB]);
    // Reported once: the guard stopped watching it.
    guard.poll(3100);
    expect(a.breaches).toHaveLength(1);
    stop();
  });

  it('a job whose own report passes its limit is stopped even while the process as a whole looks small', () => {
    let rss = 500 * MB;
    const guard = new MemoryGuard(60_000, () => rss);
    const a = thread(100);
    guard.watch(a.w);
    a.report(150, 10_000);
    rss = 400 * MB; // the allocator gave memory back elsewhere
    guard.poll(10_050);
    expect(a.breaches).toEqual([150 * MB]);
  });

  it('two jobs: only the stale one is charged with the unexplained growth, the busy-but-reporting one is not', () => {
    let rss = 1000 * MB;
    const guard = new MemoryGuard(60_000, () => rss);
    const small = thread(300);
    const big = thread(300);
    guard.watch(small.w);
    guard.watch(big.w);
    small.report(40, 5000);
    big.report(40, 4000); // stale at 5000
    rss = 1000 * MB + 80 * MB + 500 * MB;
    guard.poll(5000);
    expect(small.breaches).toEqual([]);
    expect(small.seen.at(-1)).toBe(40 * MB);
    expect(big.breaches).toEqual([540 * MB]);
  });

  it('measures its baseline again when it goes idle and watches a new job', () => {
    let rss = 1000 * MB;
    const guard = new MemoryGuard(60_000, () => rss);
    const a = thread(300);
    guard.watch(a.w)();
    // Memory the last job left behind is no part of the next one.
    rss = 1200 * MB;
    const b = thread(300);
    guard.watch(b.w);
    rss = 1250 * MB;
    guard.poll(Date.now() + 10_000);
    expect(b.seen.at(-1)).toBe(50 * MB);
    expect(b.breaches).toEqual([]);
  });
});
