/** One training thread the guard watches. */
export interface Watched {
  /** The thread's own report (ThreadData.memory): bytes, and when it measured them (ms). */
  slots: BigInt64Array;
  /** Bytes the job may use (WORKER_JOB_MEMORY_MB). */
  limit: number;
  /** Every poll: the job's memory as the guard counts it. */
  sample(bytes: number): void;
  /** Called once when the job goes past its limit; the owner stops the thread. */
  breach(bytes: number): void;
}

/** A thread whose last report is older than this is busy in one allocation or kernel. */
const STALE_MS = 400;

/**
 * Bounds the memory of the training threads of one worker process, beyond what V8's
 * resourceLimits can: those cover the JS heap only, while tensors live in ArrayBuffers and the
 * kernels' scratch in WebAssembly memory. Each thread reports its own heap and ArrayBuffers
 * whenever its event loop turns; the process's resident memory, read here every `pollMs`, covers
 * everything, busy threads included. A job counts as its report plus, when its report is stale
 * (it is inside a long synchronous step), an equal share of the process's growth since the guard
 * last saw it idle that no report explains. A job past its limit is stopped by its owner.
 *
 * With one job per process (WORKER_CONCURRENCY=1, the default) that is simply the process's
 * growth while the job runs; with several, two stale jobs share the unexplained growth, so the
 * process as a whole still stays within its baseline plus the sum of their limits.
 */
export class MemoryGuard {
  private readonly watched = new Set<Watched>();
  private baseline = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pollMs = 100,
    private readonly rss: () => number = () => process.memoryUsage.rss(),
  ) {}

  /** Starts watching a thread; returns the function that stops. */
  watch(w: Watched): () => void {
    if (this.watched.size === 0) {
      // Idle until now: what the process holds without any job is the baseline.
      this.baseline = this.rss();
      this.timer = setInterval(() => this.poll(), this.pollMs);
      this.timer.unref();
    }
    this.watched.add(w);
    return () => {
      this.watched.delete(w);
      if (this.watched.size === 0) clearInterval(this.timer);
    };
  }

  /** One check of every watched job (public for tests). */
  poll(now = Date.now()): void {
    const reports = [...this.watched].map((w) => ({
      w,
      bytes: Number(Atomics.load(w.slots, 0)),
      stale: now - Number(Atomics.load(w.slots, 1)) > STALE_MS,
    }));
    const unexplained = Math.max(0, this.rss() - this.baseline - reports.reduce((sum, r) => sum + r.bytes, 0));
    const stale = reports.filter((r) => r.stale).length;
    for (const r of reports) {
      const bytes = r.bytes + (r.stale ? unexplained / stale : 0);
      r.w.sample(bytes);
      if (bytes > r.w.limit) {
        this.watched.delete(r.w);
        r.w.breach(bytes);
      }
    }
  }
}
